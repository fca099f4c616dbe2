//! GeoPackage geometry blobs (OGC 12-128r18 §2.1.3): the header, then WKB.

/// A GeoPackage geometry blob (OGC 12-128r18 §2.1.3): header with the envelope
/// `[minx, maxx, miny, maxy]`, then little-endian WKB of a Point (one position) or a
/// LineString.
pub(super) fn geometry_blob(srs_id: i32, pts: &[[f64; 2]], point: bool) -> Vec<u8> {
    let mut b = Vec::with_capacity(8 + 32 + 9 + 4 + 16 * pts.len());
    b.extend_from_slice(b"GP");
    b.push(0); // version 1
    b.push(0b0000_0011); // little endian, envelope [minx, maxx, miny, maxy], not empty
    b.extend_from_slice(&srs_id.to_le_bytes());
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in pts {
        for k in 0..2 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    for v in [min[0], max[0], min[1], max[1]] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.push(1); // WKB little endian
    if point {
        b.extend_from_slice(&1u32.to_le_bytes());
    } else {
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&(pts.len() as u32).to_le_bytes());
    }
    for p in pts {
        b.extend_from_slice(&p[0].to_le_bytes());
        b.extend_from_slice(&p[1].to_le_bytes());
    }
    b
}

/// A geometry read from a blob: its positions (x, y) and whether it is a point.
#[derive(Debug, PartialEq)]
pub(super) struct Geom {
    pub point: bool,
    pub pts: Vec<[f64; 2]>,
}

/// Reads a little- or big-endian number of WKB.
struct Wkb<'a> {
    b: &'a [u8],
    at: usize,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let s = self
            .b
            .get(self.at..self.at + N)
            .ok_or("the geometry blob ends early")?;
        self.at += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u32(&mut self, le: bool) -> Result<u32, String> {
        let a = self.take::<4>()?;
        Ok(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn f64(&mut self, le: bool) -> Result<f64, String> {
        let a = self.take::<8>()?;
        Ok(if le {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        })
    }

    /// One WKB geometry: Point, LineString, or a Multi of exactly one of them; Z and M
    /// values are read and dropped.
    fn geometry(&mut self, depth: u32) -> Result<Geom, String> {
        let le = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            o => return Err(format!("the WKB byte order is {o}, not 0 or 1")),
        };
        let raw = self.u32(le)?;
        // ISO WKB (1000s for Z, 2000s for M, 3000s for ZM) or the EWKB flag bits.
        let (mut z, mut m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
        let t = raw & 0x0FFF_FFFF;
        match t / 1000 {
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => {}
        }
        let dims = 2 + usize::from(z) + usize::from(m);
        let position = |w: &mut Self| -> Result<[f64; 2], String> {
            let x = w.f64(le)?;
            let y = w.f64(le)?;
            for _ in 2..dims {
                w.f64(le)?;
            }
            Ok([x, y])
        };
        match t % 1000 {
            1 => Ok(Geom {
                point: true,
                pts: vec![position(self)?],
            }),
            2 => {
                let n = self.u32(le)? as usize;
                if n > self.b.len() / 16 {
                    return Err(format!(
                        "a LineString of {n} positions is longer than its blob"
                    ));
                }
                let pts = (0..n)
                    .map(|_| position(self))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Geom { point: false, pts })
            }
            4 | 5 if depth == 0 => {
                let n = self.u32(le)?;
                if n != 1 {
                    return Err(format!(
                        "a multi-part geometry of {n} parts; Lysplan takes one point per pole \
                         and one line per street (split the parts into features)"
                    ));
                }
                self.geometry(1)
            }
            other => Err(format!(
                "a WKB geometry of type {other} ({}); Lysplan reads points (poles) and \
                 line strings (streets, sections)",
                match other {
                    3 => "Polygon",
                    6 => "MultiPolygon",
                    7 => "GeometryCollection",
                    _ => "not a simple feature type",
                }
            )),
        }
    }
}

/// Parses a GeoPackage geometry blob (any envelope, either byte order).
pub(super) fn read_blob(b: &[u8]) -> Result<Geom, String> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err("is not a GeoPackage geometry blob (it does not start with \"GP\")".into());
    }
    if b[2] != 0 {
        return Err(format!(
            "is a GeoPackage geometry blob of version {}; this Lysplan reads version 1 (0)",
            u32::from(b[2]) + 1
        ));
    }
    let flags = b[3];
    if flags & 0b0010_0000 != 0 {
        return Err(
            "uses an extended GeoPackage geometry type, which Lysplan does not read".into(),
        );
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("has an invalid envelope code {e} in its header")),
    };
    if flags & 0b0001_0000 != 0 {
        return Err("is an empty geometry; give the feature a position".into());
    }
    let mut w = Wkb {
        b: b.get(8 + envelope..)
            .ok_or("the geometry blob ends early")?,
        at: 0,
    };
    let g = w.geometry(0)?;
    if g.pts.iter().flatten().any(|v| v.is_nan()) {
        return Err("is an empty geometry (NaN coordinates); give the feature a position".into());
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_read_back_in_either_byte_order_and_with_z() {
        let b = geometry_blob(25832, &[[1.0, 2.0], [3.0, -4.0]], false);
        assert_eq!(
            read_blob(&b).unwrap(),
            Geom {
                point: false,
                pts: vec![[1.0, 2.0], [3.0, -4.0]]
            }
        );
        // A big-endian Point Z (ISO 1001) with no envelope.
        let mut be = b"GP\0\0".to_vec();
        be.extend_from_slice(&4326i32.to_be_bytes());
        be.push(0);
        be.extend_from_slice(&1001u32.to_be_bytes());
        for v in [12.5f64, 55.5, 7.0] {
            be.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(
            read_blob(&be).unwrap(),
            Geom {
                point: true,
                pts: vec![[12.5, 55.5]]
            }
        );
        assert!(
            read_blob(&b[..b.len() - 3])
                .unwrap_err()
                .contains("ends early")
        );
        assert!(read_blob(b"XY\0\0\0\0\0\0").is_err());
    }
}
