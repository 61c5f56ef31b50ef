//! zoomkit's developer commands. Run `cargo xtask help`.

mod bench;
mod conformance;
mod demo;
mod pkg;
mod postgres;
mod purity;
mod test;
mod types;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  test                 everything that proves zoomkit works (what CI runs)
  demo [--no-build]    build the npm package and serve the demo on 127.0.0.1:${PORT:-8080}
  bench [name...]      benchmarks, as ratios against a baseline measured in the same run
                       (names: tokens, size, events, layout, quality, webhooks; default: all;
                       webhooks: zoomkit-server on SQLite and PostgreSQL vs Node + better-sqlite3)
  pkg [--dev]          build the npm package into pkg/
  conformance          check src/sdk's externs against @zoom/videosdk's types-json
  purity               check zoomkit-core stays free of JS
  postgres -- <cmd...> run a command with a throwaway PostgreSQL cluster's URL in
                       ZOOMKIT_TEST_POSTGRES_URL (and ZOOMKIT_REQUIRE_POSTGRES=1)
  types                check the package's TypeScript with tsc --strict (needs pkg/)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((cmd, rest)) => (cmd.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "test" => test::run(rest),
        "demo" => demo::run(rest),
        "bench" => bench::run(rest),
        "pkg" => pkg::run(rest).map(drop),
        "conformance" => conformance::run(),
        "purity" => purity::run(),
        "postgres" => postgres::run(rest),
        "types" => types::run(),
        "help" | "-h" | "--help" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: error: {msg}");
            ExitCode::FAILURE
        }
    }
}
