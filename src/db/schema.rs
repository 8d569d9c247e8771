//! The one diesel schema shared by both backends. It must match
//! `migrations/sqlite` and `migrations/postgresql` (checked by the
//! `schema_matches_migrations` test).

diesel::table! {
    agenda_versions (meeting_id) {
        meeting_id -> BigInt,
        version -> BigInt,
    }
}

diesel::table! {
    bodies (id) {
        id -> BigInt,
        key -> Text,
        name -> Text,
        short_name -> Text,
        kind -> Text,
        parent_body_id -> Nullable<BigInt>,
        website -> Nullable<Text>,
        ags -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        paper_reference_pattern -> Nullable<Text>,
    }
}

diesel::table! {
    legislative_terms (id) {
        id -> BigInt,
        body_id -> BigInt,
        name -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    locations (id) {
        id -> BigInt,
        body_id -> BigInt,
        description -> Text,
        room -> Nullable<Text>,
        street_address -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        locality -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        body_id -> BigInt,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        location_id -> Nullable<BigInt>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        website -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    persons (id) {
        id -> BigInt,
        body_id -> BigInt,
        family_name -> Text,
        given_name -> Text,
        title -> Nullable<Text>,
        form_of_address -> Nullable<Text>,
        affix -> Nullable<Text>,
        party -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        person_id -> BigInt,
        organization_id -> BigInt,
        role -> Text,
        voting_right -> Bool,
        on_behalf_of_id -> Nullable<BigInt>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        body_id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        number -> Nullable<Text>,
        start_at -> Timestamp,
        end_at -> Nullable<Timestamp>,
        location_id -> Nullable<BigInt>,
        state -> Text,
        sequence -> Integer,
        minutes_approved_at -> Nullable<Timestamp>,
        minutes_published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        version -> Integer,
        invited_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meeting_organizations (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        organization_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    papers (id) {
        id -> BigInt,
        body_id -> BigInt,
        reference -> Text,
        paper_type -> Text,
        title -> Text,
        file_number -> Nullable<Text>,
        date -> Date,
        lead_organization_id -> Nullable<BigInt>,
        proposal -> Nullable<Text>,
        reasoning -> Nullable<Text>,
        public -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    paper_originators (id) {
        id -> BigInt,
        paper_id -> BigInt,
        organization_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    paper_relations (id) {
        id -> BigInt,
        paper_id -> BigInt,
        related_paper_id -> BigInt,
        kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agenda_items (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        public -> Bool,
        position -> Integer,
        title -> Text,
        paper_id -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        votes_yes -> Nullable<Integer>,
        votes_no -> Nullable<Integer>,
        votes_abstain -> Nullable<Integer>,
        votes_absent -> Nullable<Integer>,
        resolution_text -> Nullable<Text>,
        minutes_text -> Nullable<Text>,
        deferred_to_meeting_id -> Nullable<BigInt>,
        deferred_to_next -> Bool,
        continues_agenda_item_id -> Nullable<BigInt>,
        referred_to_organization_id -> Nullable<BigInt>,
        supplement -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        version -> Integer,
        result_text -> Nullable<Text>,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        paper_id -> BigInt,
        organization_id -> BigInt,
        meeting_id -> Nullable<BigInt>,
        agenda_item_id -> Nullable<BigInt>,
        role -> Text,
        position -> Integer,
        authoritative -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agenda_item_faction_votes (id) {
        id -> BigInt,
        agenda_item_id -> BigInt,
        faction_id -> BigInt,
        votes_yes -> Integer,
        votes_no -> Integer,
        votes_abstain -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agenda_item_person_votes (id) {
        id -> BigInt,
        agenda_item_id -> BigInt,
        person_id -> BigInt,
        vote -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> BigInt,
        origin_agenda_item_id -> BigInt,
        organization_id -> BigInt,
        due_meeting_id -> Nullable<BigInt>,
        description -> Text,
        requested_by_person_id -> Nullable<BigInt>,
        answered_by_agenda_item_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    files (id) {
        id -> BigInt,
        body_id -> BigInt,
        name -> Text,
        file_name -> Text,
        mime_type -> Text,
        size -> BigInt,
        sha256 -> Nullable<Text>,
        storage_path -> Nullable<Text>,
        text_content -> Nullable<Text>,
        public -> Bool,
        paper_id -> Nullable<BigInt>,
        meeting_id -> Nullable<BigInt>,
        agenda_item_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        concept_id -> Nullable<BigInt>,
        text_status -> Nullable<Text>,
        text_error -> Nullable<Text>,
    }
}

diesel::table! {
    /// One searchable document; the FTS indexes (SQLite) and the tsvector
    /// columns (PostgreSQL) are backend-specific, see `src/search/`.
    search_documents (id) {
        id -> BigInt,
        kind -> Text,
        ref_id -> BigInt,
        body_id -> BigInt,
        public -> Bool,
        title -> Text,
        reference -> Nullable<Text>,
        reference_key -> Nullable<Text>,
        body_text -> Text,
        context -> Text,
        url -> Text,
        paper_type -> Nullable<Text>,
        outcome -> Nullable<Text>,
        organization_ids -> Text,
        date -> Date,
        year -> Integer,
        published_at -> Nullable<Timestamp>,
        indexed_at -> Timestamp,
        seq -> BigInt,
    }
}

diesel::table! {
    /// The vocabulary of the index: distinct lower-cased words (no stop
    /// words), for parts-of-words search.
    search_words (id) {
        id -> BigInt,
        word -> Text,
    }
}

diesel::table! {
    /// One row: the database's identity and the number of the last index
    /// write (servers refresh their in-memory facet store from it).
    search_state (id) {
        id -> Integer,
        instance -> Text,
        seq -> BigInt,
    }
}

diesel::table! {
    search_document_organizations (document_id, organization_id) {
        document_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    search_dirty (kind, ref_id) {
        kind -> Text,
        ref_id -> BigInt,
    }
}

diesel::table! {
    saved_search_hits (saved_search_id, document_id) {
        saved_search_id -> BigInt,
        document_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    saved_searches (id) {
        id -> BigInt,
        email -> Text,
        query -> Text,
        label -> Text,
        confirm_token_hash -> Nullable<Text>,
        confirm_expires_at -> Nullable<Timestamp>,
        confirmed_at -> Nullable<Timestamp>,
        last_digest_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    data_version (id) {
        id -> BigInt,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        body_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        active -> Bool,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mail_opt_out -> Bool,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        success -> Bool,
        attempted_at -> Timestamp,
        device_hash -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        user_label -> Text,
        at -> Timestamp,
        action -> Text,
        entity_type -> Text,
        entity_id -> BigInt,
        meeting_id -> Nullable<BigInt>,
        paper_id -> Nullable<BigInt>,
        summary -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    attendances (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        person_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    paper_counters (body_id, scope) {
        body_id -> BigInt,
        scope -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    calendar_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    subscribers (id) {
        id -> BigInt,
        email -> Text,
        confirmed_at -> Nullable<Timestamp>,
        confirm_token_hash -> Nullable<Text>,
        confirm_expires_at -> Nullable<Timestamp>,
        pending_organizations -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    subscriber_organizations (id) {
        id -> BigInt,
        subscriber_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    mail_events (id) {
        id -> BigInt,
        kind -> Text,
        meeting_id -> BigInt,
        details -> Nullable<Text>,
        created_at -> Timestamp,
        processed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_id -> Text,
        kind -> Text,
        meeting_id -> Nullable<BigInt>,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        ics -> Nullable<Text>,
        unsubscribe_url -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    form_throttle (id) {
        id -> BigInt,
        kind -> Text,
        ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    integration_concepts (id) {
        id -> BigInt,
        body_id -> BigInt,
        title -> Text,
        edition -> Nullable<Text>,
        status -> Text,
        adopted_on -> Nullable<Date>,
        summary -> Nullable<Text>,
        participants -> Nullable<Text>,
        supersedes_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    concept_status_changes (id) {
        id -> BigInt,
        concept_id -> BigInt,
        status -> Text,
        changed_on -> Date,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    concept_fields (id) {
        id -> BigInt,
        concept_id -> BigInt,
        position -> Integer,
        title -> Text,
        goals -> Nullable<Text>,
    }
}

diesel::table! {
    concept_measures (id) {
        id -> BigInt,
        field_id -> BigInt,
        position -> Integer,
        title -> Text,
        responsible -> Nullable<Text>,
        status -> Text,
        indicator -> Nullable<Text>,
        target -> Nullable<Text>,
    }
}

diesel::table! {
    funding_programmes (id) {
        id -> BigInt,
        body_id -> BigInt,
        name -> Text,
        short_name -> Nullable<Text>,
        legal_basis -> Nullable<Text>,
        funder -> Nullable<Text>,
        granting_authority -> Nullable<Text>,
        period_from -> Nullable<Date>,
        period_until -> Nullable<Date>,
        total_fte_centi -> Nullable<Integer>,
        total_amount_cents -> Nullable<BigInt>,
        fundable_unit_centi -> Nullable<Integer>,
        conditions -> Nullable<Text>,
        description -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    programme_modules (id) {
        id -> BigInt,
        programme_id -> BigInt,
        position -> Integer,
        name -> Text,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    programme_allocations (id) {
        id -> BigInt,
        programme_id -> BigInt,
        position -> Integer,
        body_id -> Nullable<BigInt>,
        participant -> Text,
        pool -> Nullable<Text>,
        computed_centi -> Nullable<Integer>,
        waived_centi -> Nullable<Integer>,
        waived_to_pool -> Nullable<Text>,
        fundable_centi -> Nullable<Integer>,
        agreed_centi -> Nullable<Integer>,
        amount_cents -> Nullable<BigInt>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    programme_agreements (id) {
        id -> BigInt,
        programme_id -> BigInt,
        kind -> Text,
        title -> Text,
        parties -> Text,
        forwards_from -> Nullable<Text>,
        forwards_to -> Nullable<Text>,
        concluded_on -> Nullable<Date>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    programme_deadlines (id) {
        id -> BigInt,
        programme_id -> BigInt,
        due_on -> Date,
        kind -> Text,
        title -> Text,
    }
}

diesel::table! {
    integration_links (id) {
        id -> BigInt,
        concept_id -> Nullable<BigInt>,
        field_id -> Nullable<BigInt>,
        programme_id -> Nullable<BigInt>,
        module_id -> Nullable<BigInt>,
        paper_id -> Nullable<BigInt>,
        agenda_item_id -> Nullable<BigInt>,
        role -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oparl_imports (id) {
        id -> BigInt,
        kind -> Text,
        oparl_id -> Text,
        local_id -> BigInt,
        modified -> Nullable<Text>,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    import_runs (id) {
        id -> BigInt,
        source -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        status -> Text,
        summary -> Nullable<Text>,
    }
}

diesel::table! {
    text_jobs (file_id) {
        file_id -> BigInt,
        attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unsubscribe_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        kind -> Text,
        subscriber_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        saved_search_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_devices (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::joinable!(text_jobs -> files (file_id));
diesel::joinable!(login_devices -> users (user_id));
diesel::joinable!(subscriber_organizations -> subscribers (subscriber_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(search_document_organizations -> search_documents (document_id));
diesel::joinable!(calendar_tokens -> users (user_id));
diesel::joinable!(consultations -> papers (paper_id));
diesel::joinable!(agenda_items -> meetings (meeting_id));
diesel::joinable!(memberships -> persons (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    agenda_versions,
    subscribers,
    subscriber_organizations,
    text_jobs,
    unsubscribe_tokens,
    login_devices,
    mail_events,
    outbox,
    form_throttle,
    calendar_tokens,
    users,
    sessions,
    login_attempts,
    audit_log,
    attendances,
    paper_counters,
    data_version,
    bodies,
    legislative_terms,
    locations,
    organizations,
    persons,
    memberships,
    meetings,
    meeting_organizations,
    papers,
    paper_originators,
    paper_relations,
    agenda_items,
    consultations,
    agenda_item_faction_votes,
    agenda_item_person_votes,
    follow_ups,
    files,
    integration_concepts,
    concept_status_changes,
    concept_fields,
    concept_measures,
    funding_programmes,
    programme_modules,
    programme_allocations,
    programme_agreements,
    programme_deadlines,
    integration_links,
    oparl_imports,
    import_runs,
    search_documents,
    search_state,
    search_words,
    search_document_organizations,
);
