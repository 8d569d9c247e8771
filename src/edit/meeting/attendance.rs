//! Who attended a meeting (the attendance list of the minutes).

use super::*;

pub fn attendance(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<(i64, String)>> {
    attendances::table
        .filter(attendances::meeting_id.eq(meeting_id))
        .select((attendances::person_id, attendances::status))
        .load(conn)
}

pub fn present_count(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Option<i64>> {
    let rows = attendance(conn, meeting_id)?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.iter()
            .filter(|(_, s)| s == crate::domain::AttendanceStatus::Present.key())
            .count() as i64,
    ))
}

pub fn set_attendance(
    conn: &mut DbConnection,
    actor: &Actor,
    meeting_id: i64,
    rows: &[(i64, crate::domain::AttendanceStatus)],
) -> QueryResult<()> {
    let t = now();
    let before = attendance(conn, meeting_id)?;
    diesel::delete(attendances::table.filter(attendances::meeting_id.eq(meeting_id)))
        .execute(conn)?;
    for (person, status) in rows {
        diesel::insert_into(attendances::table)
            .values((
                attendances::meeting_id.eq(meeting_id),
                attendances::person_id.eq(person),
                attendances::status.eq(status.key()),
                attendances::created_at.eq(t),
                attendances::updated_at.eq(t),
            ))
            .execute(conn)?;
    }
    let present = rows
        .iter()
        .filter(|(_, s)| *s == crate::domain::AttendanceStatus::Present)
        .count();
    log(
        conn,
        actor,
        meeting_id,
        "Anwesenheit erfasst",
        format!("Anwesenheit erfasst: {present} von {} anwesend", rows.len()),
        Some(json!(before
            .iter()
            .map(|(p, s)| format!("{p}: {s}"))
            .collect::<Vec<_>>())),
        Some(json!(rows
            .iter()
            .map(|(p, s)| format!("{p}: {}", s.key()))
            .collect::<Vec<_>>())),
    )
}
