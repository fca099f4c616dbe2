//! The core's integration tests, one test binary: the library, the CLI verbs, the file
//! formats and the layer rules. (One binary links once; a binary per file made the clean
//! CI build write 21 GB.)

mod adaptive;
mod arbitrary_plans;
mod bundled;
mod checks_geodesic;
mod checks_props;
mod checks_rules;
mod checks_synth;
mod cli;
mod design;
mod diff;
mod edit;
mod energy;
mod geojson;
mod gpkg;
mod html_report;
mod layers;
mod lighting;
mod luminance;
mod measure;
mod measured_formats;
mod osm;
mod package;
mod photometry;
mod reliability;
mod review;
mod schedule;
mod schema;
mod validate;
