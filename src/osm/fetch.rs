//! The HTTP request to an Overpass API endpoint (blocking; run it off the UI thread).

use std::io::Read;
use std::time::Duration;

/// The User-Agent sent with every request, as the Overpass and OSM usage policies ask:
/// the program, its version and where to find it.
pub const USER_AGENT: &str = concat!(
    "Lysplan/",
    env!("CARGO_PKG_VERSION"),
    " (outdoor-lighting test-bed planner; OpenStreetMap street import)"
);

/// The largest response read, bytes (a site-sized box is well under 10 MB).
pub const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Time limits of a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FetchOptions {
    /// To open the connection (DNS, TCP, TLS).
    pub connect: Duration,
    /// For the whole exchange, the answer's body included.
    pub total: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect: Duration::from_secs(15),
            total: Duration::from_secs(u64::from(super::QUERY_TIMEOUT_S) + 30),
        }
    }
}

/// Why a fetch gave no response text. Each message names the endpoint and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error(
        "could not reach the Overpass endpoint {endpoint} ({detail}); check the network \
         connection, or set another endpoint in Settings (--endpoint on the command line). \
         Nothing was changed"
    )]
    Network { endpoint: String, detail: String },
    #[error(
        "the Overpass endpoint {endpoint} did not answer within {seconds} s; try again \
         later, with a smaller area, or another endpoint. Nothing was changed"
    )]
    Timeout { endpoint: String, seconds: u64 },
    #[error("the Overpass endpoint {endpoint} answered HTTP {status}{hint}. Nothing was changed")]
    Http {
        endpoint: String,
        status: u16,
        hint: String,
    },
    #[error("the response of {endpoint} is larger than {limit} MB; import a smaller area")]
    TooLarge { endpoint: String, limit: u64 },
    #[error("cancelled; nothing was changed")]
    Cancelled,
}

fn status_hint(status: u16) -> &'static str {
    match status {
        400 => " (bad request: the query was refused)",
        429 => " (too many requests: the server is busy; wait a minute and try again)",
        504 => " (gateway timeout: the server is overloaded; try again later)",
        500..=599 => " (a server error; try again later or use another endpoint)",
        _ => "",
    }
}

/// POSTs `query` (Overpass QL) to `endpoint` as the form field `data` and returns the
/// response text. `progress` is called with the bytes received so far, after each
/// chunk; when it returns `false` the download stops with [`FetchError::Cancelled`].
pub fn fetch(
    endpoint: &str,
    query: &str,
    options: FetchOptions,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<String, FetchError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .user_agent(USER_AGENT)
        .timeout_connect(Some(options.connect))
        .timeout_global(Some(options.total))
        .http_status_as_error(false)
        .build()
        .into();
    let net = |e: ureq::Error| match e {
        ureq::Error::Timeout(_) => FetchError::Timeout {
            endpoint: endpoint.into(),
            seconds: options.total.as_secs(),
        },
        e => FetchError::Network {
            endpoint: endpoint.into(),
            detail: e.to_string(),
        },
    };
    let mut resp = agent
        .post(endpoint)
        .send_form([("data", query)])
        .map_err(net)?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(FetchError::Http {
            endpoint: endpoint.into(),
            status,
            hint: status_hint(status).into(),
        });
    }
    let mut reader = resp.body_mut().as_reader();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = reader.read(&mut chunk).map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut => FetchError::Timeout {
                endpoint: endpoint.into(),
                seconds: options.total.as_secs(),
            },
            _ => FetchError::Network {
                endpoint: endpoint.into(),
                detail: e.to_string(),
            },
        })?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(FetchError::TooLarge {
                endpoint: endpoint.into(),
                limit: MAX_RESPONSE_BYTES / (1024 * 1024),
            });
        }
        if !progress(bytes.len() as u64) {
            return Err(FetchError::Cancelled);
        }
    }
    String::from_utf8(bytes).map_err(|e| FetchError::Network {
        endpoint: endpoint.into(),
        detail: format!("the response is not UTF-8 text ({e})"),
    })
}
