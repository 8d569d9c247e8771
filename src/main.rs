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
    /// E-Mail-Versand: `gremium mail work` versendet den Postausgang
    /// (als eigener Prozess neben `serve`, oder mit mail_worker = false)
    Mail {
        #[command(subcommand)]
        action: MailCommand,
    },
    /// PDF-Texte für die Suche: `gremium text work` wertet hochgeladene
    /// PDF-Dateien aus (als eigener Prozess neben `serve`, oder mit
    /// text_worker = false)
    Text {
        #[command(subcommand)]
        action: MailCommand,
    },
    /// Benutzerkonten verwalten
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Volltextsuche: `gremium search reindex` baut den Suchindex neu auf
    Search {
        #[command(subcommand)]
        action: SearchCommand,
    },
    /// Daten aus einem anderen Ratsinformationssystem übernehmen
    Import {
        #[command(subcommand)]
        action: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// OParl 1.0/1.1: Adresse des System-Objekts (https://…) oder ein
    /// Verzeichnis mit gespeicherten OParl-JSON-Dateien. Wiederholbar:
    /// unveränderte Objekte werden übersprungen, von einem Server nur
    /// Änderungen seit dem letzten erfolgreichen Lauf geholt.
    Oparl {
        /// System-URL oder Verzeichnis
        source: String,
        /// alles neu holen, auch wenn es einen früheren Lauf gibt
        #[arg(long)]
        vollstaendig: bool,
    },
    /// Die letzten Importläufe mit Status (ok, unvollständig,
    /// fehlgeschlagen) und den Grenzen, an denen abgeschnitten wurde
    Laeufe {
        /// so viele Läufe (neueste zuerst)
        #[arg(long, default_value_t = 20)]
        anzahl: i64,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Suchindex aus allen Sitzungen, Vorlagen, Tagesordnungspunkten,
    /// Dateien, Konzepten und Programmen neu aufbauen (mit Fortschritt)
    Reindex,
    /// Suchindex zusammenfassen (SQLite; nach großen Importen schneller)
    Optimize,
}

#[derive(Subcommand)]
enum MailCommand {
    /// Warteschlange dauerhaft abarbeiten (bis zum Beenden)
    Work,
    /// Eine Runde abarbeiten und beenden
    Once,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Konto anlegen; das Passwort wird abgefragt (oder von der
    /// Standardeingabe gelesen, wenn diese kein Terminal ist)
    Add {
        #[arg(long)]
        email: String,
        /// admin | clerk | member
        #[arg(long)]
        role: String,
        /// Körperschaft (Schlüssel, z. B. stadt-kamen) – für den Sitzungsdienst
        #[arg(long)]
        body: Option<String>,
        /// Person (Nummer) – für Mandatsträger/innen
        #[arg(long)]
        person: Option<i64>,
        /// Anzeigename
        #[arg(long)]
        name: Option<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Passwort: ")?;
        let second = rpassword::prompt_password("Passwort wiederholen: ")?;
        if first != second {
            anyhow::bail!("Die Passwörter stimmen nicht überein.");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
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
        Command::User {
            action:
                UserCommand::Add {
                    email,
                    role,
                    body,
                    person,
                    name,
                },
        } => {
            let role = gremium::domain::UserRole::from_key(&role).ok_or_else(|| {
                anyhow::anyhow!("Unbekannte Rolle „{role}“ (erlaubt: admin, clerk, member).")
            })?;
            let password = read_password()?;
            let (_, pool) = open_database(&settings).await?;
            let msg = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
                let mut conn = pool.get()?;
                let body_id = match body.as_deref() {
                    Some(key) => Some(
                        gremium::db::bodies::find_by_key(&mut conn, key)?
                            .ok_or_else(|| {
                                anyhow::anyhow!("Die Körperschaft „{key}“ gibt es nicht.")
                            })?
                            .id,
                    ),
                    None => None,
                };
                let input = gremium::edit::accounts::AccountInput {
                    email: gremium::db::users::normalize_email(&email),
                    display_name: name.unwrap_or_default(),
                    role,
                    body_id,
                    person_id: person,
                    password,
                };
                let errors = gremium::edit::accounts::check_account(&mut conn, &input)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                if !errors.is_empty() {
                    anyhow::bail!(errors.into_values().collect::<Vec<_>>().join(" "));
                }
                let id = gremium::edit::accounts::insert_account(&mut conn, &input)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(format!(
                    "Konto {} ({}) angelegt, Nummer {id}.",
                    input.email,
                    role.label()
                ))
            })
            .await??;
            println!("{msg}");
        }
        Command::Mail { action } => {
            let (_, pool) = open_database(&settings).await?;
            let worker = gremium::mail::Worker {
                pool,
                base_url: settings.base_url(),
                settings: std::sync::Arc::new(settings),
            };
            match action {
                MailCommand::Work => {
                    tracing::info!("Mail-Worker läuft");
                    worker.run().await;
                }
                MailCommand::Once => {
                    let sent = tokio::task::spawn_blocking(move || worker.round()).await??;
                    println!("{sent} Nachrichten versendet.");
                }
            }
        }
        Command::Text { action } => {
            let (_, pool) = open_database(&settings).await?;
            if !gremium::pdf_text::tool_available() {
                anyhow::bail!(
                    "pdftotext fehlt: bitte poppler-utils installieren (scripts/setup.sh)"
                );
            }
            let worker = gremium::pdf_text::worker::TextWorker {
                pool,
                settings: std::sync::Arc::new(settings),
                wake: std::sync::Arc::new(tokio::sync::Notify::new()),
            };
            match action {
                MailCommand::Work => {
                    tracing::info!("Text-Worker läuft");
                    worker.run().await;
                }
                MailCommand::Once => {
                    let done = tokio::task::spawn_blocking(move || worker.round()).await??;
                    println!("{done} PDF-Dateien ausgewertet.");
                }
            }
        }
        Command::Migrate => {
            open_database(&settings).await?;
            println!("Datenbank ist auf dem neuesten Stand.");
        }
        Command::Import {
            action:
                ImportCommand::Oparl {
                    source,
                    vollstaendig,
                },
        } => import_oparl(&settings, source, vollstaendig).await?,
        Command::Import {
            action: ImportCommand::Laeufe { anzahl },
        } => {
            let (_, pool) = open_database(&settings).await?;
            let text = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
                Ok(gremium::import::runs_report(&mut *pool.get()?, anzahl)?)
            })
            .await??;
            print!("{text}");
        }
        Command::Search {
            action: SearchCommand::Reindex,
        } => reindex(&settings).await?,
        Command::Search {
            action: SearchCommand::Optimize,
        } => {
            let (_, pool) = open_database(&settings).await?;
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let t = std::time::Instant::now();
                gremium::search::index::optimize(&mut *pool.get()?)?;
                println!(
                    "Suchindex zusammengefasst ({:.1} s).",
                    t.elapsed().as_secs_f64()
                );
                Ok(())
            })
            .await??;
        }
        Command::Demo { scale } => {
            let (_, pool) = open_database(&settings).await?;
            let data_dir = settings.data_dir.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = pool.get()?;
                let seeds = gremium::demo::load_seeds(&mut conn, &data_dir)?;
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

/// Rebuild the search index kind by kind in batches (each its own write
/// transaction, so the portal stays usable), then drop stale documents.
async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    use gremium::search::{index, Kind};
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    let (_, pool) = open_database(settings).await?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        let started = std::time::Instant::now();
        let mut lists = Vec::new();
        for kind in Kind::ALL {
            lists.push((kind, index::all_ids(&mut conn, kind)?));
        }
        let total: usize = lists.iter().map(|l| l.1.len()).sum();
        let bar = ProgressBar::new(total as u64);
        if !std::io::stdout().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>20} [{bar:30}] {pos}/{len} ({per_sec}, noch {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let mut stale = 0;
        for (kind, ids) in &lists {
            bar.set_prefix(kind.plural());
            for chunk in ids.chunks(2000) {
                gremium::edit::write_transaction(&mut conn, |c| {
                    index::index_batch(c, *kind, chunk)
                })?;
                bar.inc(chunk.len() as u64);
            }
            stale +=
                gremium::edit::write_transaction(&mut conn, |c| index::remove_stale(c, *kind))?;
        }
        gremium::edit::write_transaction(&mut conn, index::remove_orphans)?;
        bar.set_prefix("Wortschatz");
        let words = index::rebuild_vocabulary(&mut conn)?;
        index::optimize(&mut conn)?;
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "Suchindex neu aufgebaut: {total} Dokumente in {secs:.1} s ({:.0} Dokumente/s){}.",
            total as f64 / secs.max(0.001),
            if stale > 0 {
                format!(", {stale} veraltete entfernt")
            } else {
                String::new()
            }
        );
        for (kind, ids) in &lists {
            println!("  {:<22} {:>8}", kind.plural(), ids.len());
        }
        println!("  {:<22} {:>8}", "Wörter im Wortschatz", words);
        Ok(())
    })
    .await?
}

async fn import_oparl(settings: &Settings, source: String, full: bool) -> anyhow::Result<()> {
    use gremium::import;
    use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
    let (_, pool) = open_database(settings).await?;
    let remote = source.starts_with("http://") || source.starts_with("https://");
    let key = if remote {
        source.clone()
    } else {
        std::fs::canonicalize(&source)
            .map_err(|e| anyhow::anyhow!("Verzeichnis „{source}“ nicht lesbar: {e}"))?
            .display()
            .to_string()
    };
    let p2 = pool.clone();
    let k2 = key.clone();
    let (run_id, since) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut c = p2.get()?;
        let since = import::last_success(&mut c, &k2)?;
        let (id, _) = import::start_run(&mut c, &k2)?;
        Ok((id, since))
    })
    .await??;
    let limits = import::source::Limits::from_settings(settings);
    // progress bars draw only on a terminal
    let bars = MultiProgress::new();
    let style = ProgressStyle::with_template("{prefix:>16} [{bar:30}] {pos}/{len}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    let index = if remote {
        let since = (!full)
            .then_some(since)
            .flatten()
            .map(gremium::oparl::datetime);
        if let Some(s) = &since {
            println!("Hole Änderungen seit {s} (--vollstaendig holt alles).");
        }
        let spinner = bars.add(ProgressBar::new_spinner());
        spinner.set_prefix("gelesen");
        let counter = |n: usize| spinner.set_message(format!("{n} Objekte"));
        let index = import::source::crawl(&source, since.as_deref(), &limits, &counter).await;
        spinner.finish_and_clear();
        index
    } else {
        let dir = std::path::PathBuf::from(&source);
        let limits = limits.clone();
        tokio::task::spawn_blocking(move || import::source::read_dir(&dir, &limits)).await?
    };
    let bars2 = bars.clone();
    let incomplete = index.incomplete;
    let summary = tokio::task::spawn_blocking(move || -> anyhow::Result<import::Summary> {
        let mut c = pool.get()?;
        let current: std::sync::Mutex<Option<(String, ProgressBar)>> = std::sync::Mutex::new(None);
        let progress = |kind: &str, done: usize, total: usize| {
            if let Ok(mut cur) = current.lock() {
                if cur.as_ref().is_none_or(|(k, _)| k != kind) {
                    if let Some((_, b)) = cur.take() {
                        b.finish();
                    }
                    let b = bars2.add(ProgressBar::new(total as u64));
                    b.set_style(style.clone());
                    b.set_prefix(kind.to_string());
                    *cur = Some((kind.to_string(), b));
                }
                if let Some((_, b)) = cur.as_ref() {
                    b.set_position(done as u64);
                }
            }
        };
        let result = import::import_index(&mut c, &index, &progress);
        if let Ok(mut cur) = current.lock() {
            if let Some((_, b)) = cur.take() {
                b.finish();
            }
        }
        let summary = match result {
            Ok(s) => s,
            Err(e) => {
                let mut s = import::Summary::default();
                s.problems.push(import::source::Problem {
                    at: "Import".into(),
                    what: format!("{e:#}"),
                });
                import::finish_run(&mut c, run_id, "fehlgeschlagen", &s)?;
                return Err(e);
            }
        };
        // an incomplete crawl must not be the start of the next incremental run
        let status = if summary.seen() == 0 && !summary.problems.is_empty() {
            "fehlgeschlagen"
        } else if incomplete {
            "unvollständig"
        } else {
            "ok"
        };
        import::finish_run(&mut c, run_id, status, &summary)?;
        Ok(summary)
    })
    .await??;
    println!("{}", summary.report());
    if incomplete {
        println!("Lauf unvollständig: Nicht alles konnte gelesen werden. Der nächste Lauf holt die Änderungen seit dem letzten vollständigen Lauf (oder alles, wenn es keinen gab).");
    }
    if summary.seen() == 0 && !summary.problems.is_empty() {
        anyhow::bail!(
            "nichts importiert ({} Probleme, siehe oben)",
            summary.problems.len()
        );
    }
    Ok(())
}
