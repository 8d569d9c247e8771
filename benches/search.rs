//! Query latency of the full-text search on a prepared database
//! (`bench/search.sh` builds one with `gremium demo --scale 10`).
//!
//! Runs one- and two-word queries as an anonymous visitor would (public
//! scope, relevance, first page of 20 with facets and snippets), several
//! rounds, and prints percentiles. Run with
//! `GREMIUM_BENCH_DATABASE=sqlite://… cargo bench --bench search`.

use std::time::{Duration, Instant};

use gremium::db::{establish, DbUrl};
use gremium::search::{self, Filters, Scope, Sort};

const ONE_WORD: [&str; 20] = [
    "Bebauungsplan",
    "Haushaltsplanentwurf",
    "Kindertagesstätte",
    "Radverkehrskonzept",
    "Integrationskonzept",
    "Integrationsmanagement",
    "Spielplatz",
    "Klimaschutz",
    "Wärmeplanung",
    "Gebührensatzung",
    "Digitalisierung",
    "Quartiersentwicklung",
    "Lindenallee",
    "Nordviertel",
    "Kamen",
    "KIM",
    "schutz",
    "Sanierung",
    "Jahresabschluss",
    "Sportverein",
];
const TWO_WORDS: [&str; 10] = [
    "Bebauungsplan Nordviertel",
    "Sanierung Grundschule",
    "Kommunales Integrationsmanagement",
    "Haushaltsplanentwurf 2024",
    "Spielplatzkonzept Südpark",
    "Neubau Kindertagesstätte",
    "Ausbau Bahnhofstraße",
    "Integrationskonzept Fortschreibung",
    "Digitalisierung Verwaltung",
    "Wärmeplanung Hafenweg",
];
const ROUNDS: usize = 10;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let Ok(url) = std::env::var("GREMIUM_BENCH_DATABASE") else {
        eprintln!("GREMIUM_BENCH_DATABASE fehlt (bench/search.sh setzt es)");
        return;
    };
    let url = DbUrl::parse(&url).expect("database url");
    let mut conn = establish(&url).expect("database");
    let mut run = |q: &str| -> (Duration, usize) {
        let t = Instant::now();
        let parsed = search::parse(q).expect("query");
        let r = search::search(
            &mut conn,
            &parsed,
            &Scope::Public,
            &Filters::default(),
            Sort::Relevance,
            0,
            20,
        )
        .expect("search");
        (t.elapsed(), r.total)
    };
    for q in ONE_WORD.iter().chain(TWO_WORDS.iter()) {
        run(q); // warm the page cache of the database file
    }
    for (name, set) in [("ein Wort", &ONE_WORD[..]), ("zwei Wörter", &TWO_WORDS[..])] {
        let mut all = Vec::new();
        println!("\n{name}: {} Anfragen × {ROUNDS} Runden", set.len());
        println!(
            "{:<36} {:>9} {:>10} {:>10}",
            "Anfrage", "Treffer", "Median", "Max"
        );
        for q in set {
            let mut times: Vec<Duration> = Vec::new();
            let mut hits = 0;
            for _ in 0..ROUNDS {
                let (t, n) = run(q);
                times.push(t);
                hits = n;
            }
            times.sort();
            println!(
                "{:<36} {:>9} {:>10} {:>10}",
                q,
                hits,
                ms(percentile(&times, 0.5)),
                ms(times[times.len() - 1])
            );
            all.extend(times);
        }
        all.sort();
        println!(
            "{name}: p50 {}  p95 {}  p99 {}  max {}",
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.95)),
            ms(percentile(&all, 0.99)),
            ms(all[all.len() - 1])
        );
    }
}
