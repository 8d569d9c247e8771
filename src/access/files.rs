//! Which attachments an audience may see.

/// Files the audience may see: the file itself is public and so is what it
/// is attached to (its paper, its agenda item with all parents). Batched.
pub fn visible_files(
    conn: &mut crate::db::DbConnection,
    files: Vec<crate::db::models::File>,
    audience: crate::access::Audience,
) -> diesel::QueryResult<Vec<crate::db::models::File>> {
    let paper_ids: Vec<i64> = files.iter().filter_map(|f| f.paper_id).collect();
    let papers = crate::db::papers::by_ids(conn, &paper_ids)?;
    let item_ids: Vec<i64> = files.iter().filter_map(|f| f.agenda_item_id).collect();
    let items = crate::db::agenda_items::by_ids(conn, &item_ids)?;
    let meeting_ids: Vec<i64> = items.values().map(|a| a.meeting_id).collect();
    let context = crate::db::agenda_items::for_meetings(conn, &meeting_ids)?;
    let (_, visible_items) = super::agenda::number_and_filter(&context, audience);
    let concept_ids: Vec<i64> = files.iter().filter_map(|f| f.concept_id).collect();
    let concepts = crate::db::concepts::by_ids(conn, &concept_ids)?;
    Ok(files
        .into_iter()
        .filter(|f| audience.sees_file(f))
        .filter(|f| {
            f.paper_id
                .is_none_or(|p| papers.get(&p).is_some_and(|p| audience.sees_paper(p)))
        })
        .filter(|f| f.agenda_item_id.is_none_or(|a| visible_items.contains(&a)))
        .filter(|f| f.concept_id.is_none_or(|k| concepts.contains_key(&k)))
        .collect())
}
