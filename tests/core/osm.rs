//! Importing streets and street lamps from OpenStreetMap: the recorded Overpass fixture
//! (hand-made, in Overpass's JSON format; see tests/fixtures/osm/README.md) into
//! streets, bad responses, the CLI verb, and the HTTP request against a server on the
//! loopback interface (no test touches the network).

use crate::cli::{lysplan, stderr};
use lysplan::frame::LonLat;
use lysplan::locate::load_geojson;
use lysplan::osm::{self, BBox, FetchError, FetchOptions};
use lysplan::plan::{LightingClass, Plan, Street};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osm/overpass-hersted.json")
}

fn fixture() -> String {
    std::fs::read_to_string(fixture_path()).expect("read the Overpass fixture")
}

const FIXTURE_BOX: &str = "12.370,55.678,12.395,55.690";

fn import() -> osm::OsmImport {
    osm::to_import(&osm::parse_response(&fixture(), &fixture_path()).expect("fixture parses"))
}

/// `lysplan osm-import --bbox <the fixture's box> --endpoint URL OUT`.
fn import_from(url: &str, out: &Path) -> Output {
    lysplan(&[
        "osm-import",
        "--bbox",
        FIXTURE_BOX,
        "--endpoint",
        url,
        out.to_str().unwrap(),
    ])
}

/// What a street test compares: id, name, class, width, lanes, node count, way ids.
type StreetRow<'a> = (
    &'a str,
    &'a str,
    Option<LightingClass>,
    f64,
    u32,
    usize,
    Vec<i64>,
);

#[test]
fn the_fixture_becomes_the_expected_streets() {
    let imp = import();
    let got: Vec<StreetRow> = imp
        .streets
        .iter()
        .map(|s| {
            let Street {
                id,
                name,
                class,
                width_m,
                lanes,
                points,
                ..
            } = &s.street;
            let ways = s.way_ids.clone();
            (
                id.as_str(),
                name.as_str(),
                *class,
                *width_m,
                *lanes,
                points.len(),
                ways,
            )
        })
        .collect();
    use LightingClass::*;
    assert_eq!(
        got,
        [
            // Two ways sharing node 1003, the second reversed: 3 + 3 - 1 nodes; the
            // wider part's 7 m (the other has lanes=2: 6.5 m).
            (
                "osm-w2001",
                "Fabriksparken",
                Some(P3),
                7.0,
                2,
                5,
                vec![2001, 2002]
            ),
            // lanes=4 and no width: 4 x 3.25 m.
            (
                "osm-w2003",
                "Herstedøstervej",
                Some(M4),
                13.0,
                4,
                3,
                vec![2003]
            ),
            // Unnamed: never joined, named after its type and way.
            (
                "osm-w2004",
                "Unnamed service (OSM way 2004)",
                Some(P5),
                4.0,
                2,
                3,
                vec![2004]
            ),
            (
                "osm-w2005",
                "Supercykelsti Albertslundruten",
                Some(P4),
                2.5,
                2,
                3,
                vec![2005]
            ),
        ]
    );
    // The joined street runs 1001 -> 1005, west to east, every node kept.
    let fab = &imp.streets[0].street.points;
    assert_eq!(fab[0], LonLat::new(12.3760, 55.6820));
    assert_eq!(fab[2], LonLat::new(12.3820, 55.6824));
    assert_eq!(fab[4], LonLat::new(12.3880, 55.6826));
    assert_eq!(imp.skipped.len(), 1, "{:?}", imp.skipped);
    assert!(imp.skipped[0].contains("way 2006"), "{:?}", imp.skipped);
    let lamps: Vec<(i64, f64)> = imp.lamps.iter().map(|l| (l.osm_id, l.height_m)).collect();
    assert_eq!(lamps, [(3001, 6.0), (3002, 8.0), (3003, 10.0)]);
}

#[test]
fn malformed_json_is_refused_with_line_and_column() {
    let text = fixture();
    let cut = &text[..text.find("\"way\", \"id\": 2003").expect("way 2003")];
    let e = osm::parse_response(cut, &fixture_path()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("overpass-hersted.json:"), "{msg}");
    assert!(
        matches!(
            e.location,
            lysplan::error::Location::LineCol { line: 16, .. }
        ),
        "{e:?}"
    );
    assert!(msg.contains("not an Overpass API JSON response"), "{msg}");
    // Valid JSON of the wrong shape: a GeoJSON file is not a response.
    let e = osm::parse_response(
        r#"{"type":"FeatureCollection","features":[]}"#,
        &fixture_path(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("missing field `elements`"), "{e}");
}

#[test]
fn a_node_out_of_range_is_named() {
    let text = r#"{"elements":[{"type":"node","id":7,"lat":95.0,"lon":12.0}]}"#;
    let e = osm::parse_response(text, Path::new("r.json")).unwrap_err();
    assert!(e.to_string().contains("r.json: elements[0]: node 7"), "{e}");
}

#[test]
fn adding_never_clobbers_and_attributes_once() {
    let imp = import();
    let streets: Vec<Street> = imp.streets.iter().map(|s| s.street.clone()).collect();
    let mut plan = Plan {
        description: "My site.".into(),
        ..Plan::default()
    };
    let mut mine = streets[0].clone();
    mine.name = "Mine".into();
    plan.streets.push(mine);
    let added = osm::add_to_plan(&mut plan, &streets, &imp.lamps);
    assert_eq!((added.streets, added.poles), (3, 3));
    assert_eq!(added.kept_existing, ["osm-w2001"]);
    assert_eq!(plan.streets[0].name, "Mine");
    assert!(
        added.summary().contains("kept as they were (osm-w2001)"),
        "{}",
        added.summary()
    );
    let again = osm::add_to_plan(&mut plan, &streets, &imp.lamps);
    assert_eq!((again.streets, again.poles), (0, 0));
    assert_eq!(
        plan.description
            .matches("© OpenStreetMap contributors")
            .count(),
        1
    );
    assert!(plan.description.starts_with("My site.\n\n"));
    assert_eq!(plan.vendors.len(), 1);
    assert_eq!(plan.luminaires.len(), 1);
    lysplan::plan::validate::plan(&plan).expect("the imported plan is valid");
}

#[test]
fn cli_imports_a_saved_response() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("site.geojson");
    let fixture = fixture_path();
    let args = [
        "osm-import",
        "--bbox",
        FIXTURE_BOX,
        "--lamps",
        "--from-file",
    ];
    let o = lysplan(
        &[
            &args[..],
            &[fixture.to_str().unwrap(), out.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("4 streets from 5 ways, 3 street lamps"),
        "{}",
        stderr(&o)
    );
    let plan = load_geojson(&out).expect("the written plan reads back");
    assert_eq!(plan.streets.len(), 4);
    assert_eq!(plan.poles.len(), 3);
    assert!(plan.poles.iter().all(|p| p.vendor == "osm-existing"));
    assert!(plan.description.contains("© OpenStreetMap contributors"));
    // The existing lamps reference a luminaire type the plan has: no reference error.
    let check = lysplan(&["check", "--no-coverage", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert_ne!(check.status.code(), Some(2), "{}", stderr(&check));
    assert!(!text.contains("reference."), "{text}");
}

#[test]
fn cli_refuses_bad_input_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("site.geojson");
    std::fs::write(&out, "old").expect("write");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"elements\": [ {\"type\": \"way\", \"id\": ").expect("write");
    let o = lysplan(&[
        "osm-import",
        "--bbox",
        FIXTURE_BOX,
        "--from-file",
        bad.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.json:1:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    let o = lysplan(&["osm-import", "--bbox", "12,55,13,56", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("km²"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
}

/// Serves one HTTP request on 127.0.0.1 with `status` and `body`, and returns the
/// endpoint URL and a handle that yields the request as received.
fn serve_once(status: &str, body: String) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/api/interpreter", listener.local_addr().unwrap());
    let status = status.to_string();
    let handle = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let request = read_request(&mut conn);
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        );
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(body.as_bytes()).unwrap();
        request
    });
    (url, handle)
}

/// Reads the request head and its `Content-Length` body.
fn read_request(conn: &mut std::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = conn.read(&mut chunk).unwrap_or(0);
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len || n == 0 {
                return text;
            }
        } else if n == 0 {
            return text;
        }
    }
}

fn fixture_box() -> BBox {
    BBox::parse(FIXTURE_BOX).unwrap()
}

#[test]
fn fetch_posts_the_query_with_a_user_agent() {
    let (url, server) = serve_once("200 OK", fixture());
    let mut seen = 0;
    let q = osm::query(&fixture_box());
    let text = osm::fetch(&url, &q, FetchOptions::default(), &mut |n| {
        seen = n;
        true
    })
    .expect("the loopback server answers");
    assert_eq!(text, fixture());
    assert_eq!(seen, fixture().len() as u64);
    let request = server.join().unwrap();
    assert!(
        request.starts_with("POST /api/interpreter HTTP/1.1"),
        "{request}"
    );
    let ua = format!("user-agent: lysplan/{}", env!("CARGO_PKG_VERSION"));
    assert!(request.to_ascii_lowercase().contains(&ua), "{request}");
    assert!(
        request.contains("\r\n\r\ndata=%5Bout%3Ajson%5D"),
        "{request}"
    );
}

#[test]
fn fetch_reports_http_errors_and_cancel() {
    let (url, server) = serve_once("500 Internal Server Error", "oops".into());
    let e = osm::fetch(&url, "q", FetchOptions::default(), &mut |_| true).unwrap_err();
    assert!(matches!(e, FetchError::Http { status: 500, .. }), "{e:?}");
    assert!(e.to_string().contains(&url), "{e}");
    assert!(e.to_string().contains("Nothing was changed"), "{e}");
    server.join().unwrap();
    let (url, server) = serve_once("200 OK", fixture());
    let e = osm::fetch(&url, "q", FetchOptions::default(), &mut |_| false).unwrap_err();
    assert_eq!(e, FetchError::Cancelled);
    server.join().unwrap();
}

#[test]
fn fetch_without_a_server_says_so() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/api/interpreter");
    let e = osm::fetch(&url, "q", FetchOptions::default(), &mut |_| true).unwrap_err();
    assert!(matches!(e, FetchError::Network { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains(&format!("could not reach the Overpass endpoint {url}"))
    );
    // The CLI says the same and writes nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("site.geojson");
    let o = import_from(&url, &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("check the network connection"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

#[test]
fn fetch_gives_up_on_a_silent_server() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    // Accepts, reads the request, never answers; ends when the client hangs up.
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut sink = [0u8; 4096];
        while matches!(conn.read(&mut sink), Ok(n) if n > 0) {}
    });
    let options = FetchOptions {
        connect: Duration::from_secs(5),
        total: Duration::from_secs(1),
    };
    let e = osm::fetch(&url, "q", options, &mut |_| true).unwrap_err();
    assert!(matches!(e, FetchError::Timeout { seconds: 1, .. }), "{e:?}");
    server.join().unwrap();
}

#[test]
fn cli_imports_from_an_endpoint() {
    let (url, server) = serve_once("200 OK", fixture());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("site.ron");
    let o = import_from(&url, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 street lamps not added (add --lamps)"),
        "{}",
        stderr(&o)
    );
    let plan = lysplan::plan::load_ron(&out).expect("reads back");
    assert_eq!((plan.streets.len(), plan.poles.len()), (4, 0));
    let request = server.join().unwrap();
    assert!(
        request.contains("55.678%2C12.37%2C55.69%2C12.395"),
        "{request}"
    );
}
