-- Gremium core schema (SQLite). Keep in step with migrations/postgresql and src/db/schema.rs.
-- All timestamps are UTC (naive); dates are calendar dates.

CREATE TABLE bodies (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_body_id BIGINT REFERENCES bodies(id),
    website TEXT,
    ags TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);

CREATE TABLE legislative_terms (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX legislative_terms_body ON legislative_terms(body_id);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    description TEXT NOT NULL,
    room TEXT,
    street_address TEXT,
    postal_code TEXT,
    locality TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    name TEXT NOT NULL,
    short_name TEXT,
    kind TEXT NOT NULL,
    parent_id BIGINT REFERENCES organizations(id),
    location_id BIGINT REFERENCES locations(id),
    start_date DATE,
    end_date DATE,
    website TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX organizations_body ON organizations(body_id, kind);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    title TEXT,
    form_of_address TEXT,
    affix TEXT,
    party TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX persons_body ON persons(body_id);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    role TEXT NOT NULL,
    voting_right BOOLEAN NOT NULL,
    on_behalf_of_id BIGINT REFERENCES organizations(id),
    start_date DATE,
    end_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_organization ON memberships(organization_id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    number TEXT,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP,
    location_id BIGINT REFERENCES locations(id),
    state TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    minutes_approved_at TIMESTAMP,
    minutes_published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX meetings_start ON meetings(start_at);
CREATE INDEX meetings_org_start ON meetings(organization_id, start_at);
CREATE INDEX meetings_body_start ON meetings(body_id, start_at);

-- further organizations taking part in a (joint) meeting; the lead one is meetings.organization_id
CREATE TABLE meeting_organizations (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, organization_id)
);
CREATE INDEX meeting_organizations_org ON meeting_organizations(organization_id);

CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    reference TEXT NOT NULL,
    paper_type TEXT NOT NULL,
    title TEXT NOT NULL,
    file_number TEXT,
    date DATE NOT NULL,
    lead_organization_id BIGINT REFERENCES organizations(id),
    proposal TEXT,
    reasoning TEXT,
    public BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    UNIQUE (body_id, reference)
);
CREATE INDEX papers_body_date ON papers(body_id, date);
CREATE INDEX papers_date ON papers(date);

CREATE TABLE paper_originators (
    id INTEGER PRIMARY KEY,
    paper_id BIGINT NOT NULL REFERENCES papers(id),
    organization_id BIGINT REFERENCES organizations(id),
    person_id BIGINT REFERENCES persons(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX paper_originators_paper ON paper_originators(paper_id);

CREATE TABLE paper_relations (
    id INTEGER PRIMARY KEY,
    paper_id BIGINT NOT NULL REFERENCES papers(id),
    related_paper_id BIGINT NOT NULL REFERENCES papers(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (paper_id, related_paper_id)
);
CREATE INDEX paper_relations_related ON paper_relations(related_paper_id);

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    parent_id BIGINT REFERENCES agenda_items(id),
    public BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    paper_id BIGINT REFERENCES papers(id),
    outcome TEXT,
    votes_yes INTEGER,
    votes_no INTEGER,
    votes_abstain INTEGER,
    votes_absent INTEGER,
    resolution_text TEXT,
    minutes_text TEXT,
    deferred_to_meeting_id BIGINT REFERENCES meetings(id),
    deferred_to_next BOOLEAN NOT NULL DEFAULT FALSE,
    continues_agenda_item_id BIGINT REFERENCES agenda_items(id),
    referred_to_organization_id BIGINT REFERENCES organizations(id),
    supplement BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, public, position);
CREATE INDEX agenda_items_paper ON agenda_items(paper_id);
CREATE INDEX agenda_items_continues ON agenda_items(continues_agenda_item_id);

CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    paper_id BIGINT NOT NULL REFERENCES papers(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    meeting_id BIGINT REFERENCES meetings(id),
    agenda_item_id BIGINT REFERENCES agenda_items(id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    authoritative BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX consultations_paper ON consultations(paper_id, position);
CREATE INDEX consultations_agenda_item ON consultations(agenda_item_id);
CREATE INDEX consultations_organization ON consultations(organization_id);

CREATE TABLE agenda_item_faction_votes (
    id INTEGER PRIMARY KEY,
    agenda_item_id BIGINT NOT NULL REFERENCES agenda_items(id),
    faction_id BIGINT NOT NULL REFERENCES organizations(id),
    votes_yes INTEGER NOT NULL,
    votes_no INTEGER NOT NULL,
    votes_abstain INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agenda_item_id, faction_id)
);

CREATE TABLE agenda_item_person_votes (
    id INTEGER PRIMARY KEY,
    agenda_item_id BIGINT NOT NULL REFERENCES agenda_items(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    vote TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agenda_item_id, person_id)
);

-- a request raised under one TOP ("report at the next meeting"), open until a TOP answers it
CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY,
    origin_agenda_item_id BIGINT NOT NULL REFERENCES agenda_items(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    due_meeting_id BIGINT REFERENCES meetings(id),
    description TEXT NOT NULL,
    requested_by_person_id BIGINT REFERENCES persons(id),
    answered_by_agenda_item_id BIGINT REFERENCES agenda_items(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_origin ON follow_ups(origin_agenda_item_id);
CREATE INDEX follow_ups_answered ON follow_ups(answered_by_agenda_item_id);

CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT,
    storage_path TEXT,
    text_content TEXT,
    public BOOLEAN NOT NULL DEFAULT TRUE,
    paper_id BIGINT REFERENCES papers(id),
    meeting_id BIGINT REFERENCES meetings(id),
    agenda_item_id BIGINT REFERENCES agenda_items(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX files_paper ON files(paper_id);
CREATE INDEX files_meeting ON files(meeting_id);
CREATE INDEX files_agenda_item ON files(agenda_item_id);
