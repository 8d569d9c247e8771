//! One integration-test binary: every test starts the real application on
//! a random port against its own fresh database (SQLite file, or a new
//! PostgreSQL database when GREMIUM_TEST_DATABASE_URL is set).

mod helpers;

mod bad_input;
mod cli;
mod deferral;
mod demo_data;
mod migrations;
mod non_public;
mod pages;
