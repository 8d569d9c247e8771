//! Gremium – an open council information system (Ratsinformationssystem).

pub mod access;
pub mod auth;
pub mod base;
pub mod db;
pub mod demo;
pub mod domain;
pub mod edit;
pub mod error;
pub mod feeds;
pub mod funding;
pub mod import;
pub mod mail;
pub mod oparl;
pub mod page_cache;
pub mod pdf_text;
pub mod routes;
pub mod search;
pub mod settings;
pub mod startup;
pub mod state;
pub mod storage;
pub mod templating;
pub mod views;
