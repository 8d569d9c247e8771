//! The `gremium` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gremium::settings::Settings;
use gremium::startup::{open_database, Application};

#[derive(Parser)]
#[command(
    name = "gremium",
    version,
    about = "Gremium – Ratsinformationssystem für Kommunen"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Portal starten (Datenbank aus DATABASE_URL)
    Serve {
        /// Adresse, z. B. 127.0.0.1:8080
        #[arg(long)]
        bind: Option<String>,
        /// Demodaten laden, falls noch nicht vorhanden
        #[arg(long)]
        demo: bool,
    },
    /// Ausstehende Datenbankmigrationen ausführen
    Migrate,
    /// Demodaten laden (Fallbeispiele; mit --scale zusätzlich Großstadtdaten)
    Demo {
        /// Anzahl generierter Großstädte (je eine Wahlperiode) für Lasttests
        #[arg(long)]
        scale: Option<u32>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn,actix_http::h1=off".into()),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Fehler: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // one clear line, no backtrace
            eprintln!("Fehler: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load()?;
    match cli.command {
        Command::Serve { bind, demo } => {
            if let Some(b) = bind {
                settings.bind = b;
            }
            let app = Application::build(settings, demo).await?;
            tracing::info!(
                "Gremium läuft auf {} (Port {})",
                app.state.base_url,
                app.port()
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            open_database(&settings).await?;
            println!("Datenbank ist auf dem neuesten Stand.");
        }
        Command::Demo { scale } => {
            let (_, pool) = open_database(&settings).await?;
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = pool.get()?;
                let seeds = gremium::demo::load_seeds(&mut conn)?;
                println!(
                    "{}",
                    if seeds {
                        "Fallbeispiele geladen."
                    } else {
                        "Fallbeispiele waren schon vorhanden."
                    }
                );
                if let Some(n) = scale {
                    let t = std::time::Instant::now();
                    let added = gremium::demo::load_generated(&mut conn, n)?;
                    println!(
                        "{}",
                        if added {
                            format!(
                                "Großstadtdaten für Skalierung {n} erzeugt ({:.1} s).",
                                t.elapsed().as_secs_f64()
                            )
                        } else {
                            format!("Großstadtdaten für Skalierung {n} waren schon vorhanden.")
                        }
                    );
                }
                Ok(())
            })
            .await??;
        }
    }
    Ok(())
}
