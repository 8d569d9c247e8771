//! One integration-test binary: every test starts the real application on
//! a random port against its own fresh database (SQLite file, or a new
//! PostgreSQL database when GREMIUM_TEST_DATABASE_URL is set).

mod calendar_feeds;
mod helpers;
mod session;

mod access_matrix;
mod auth;
mod backoffice_flow;
mod backoffice_input;
mod bad_input;
mod browser;
mod cli;
mod deferral;
mod demo_data;
mod http_cache;
mod import_limits;
mod integration;
mod layers;
mod mail;
mod members;
mod migrations;
mod non_public;
mod oparl;
mod oparl_import;
mod pages;
mod search;
mod security_headers;
mod transactions;
mod uploads;
