//! How a TOP is numbered ("Ö 3", "Ö 3.1", "N 2"), in which order a
//! meeting's items stand, and which of them an audience may see.

use std::collections::HashMap;

use crate::access::Audience;
use crate::db::models::AgendaItem;

/// Derive the shown number of every item of one meeting. Top-level items
/// are counted per part in position order; sub-items per parent.
pub fn numbers(items: &[AgendaItem]) -> HashMap<i64, String> {
    let mut sorted: Vec<&AgendaItem> = items.iter().collect();
    sorted.sort_by_key(|a| (!a.public, a.position, a.id));
    let mut out = HashMap::new();
    let (mut n_public, mut n_closed) = (0, 0);
    for a in sorted.iter().filter(|a| a.parent_id.is_none()) {
        let n = if a.public {
            n_public += 1;
            format!("Ö {n_public}")
        } else {
            n_closed += 1;
            format!("N {n_closed}")
        };
        out.insert(a.id, n);
    }
    // sub-items count per parent in position order (whatever their part);
    // resolve level by level, bounded so a corrupt cycle cannot loop
    let mut children: Vec<&AgendaItem> = items.iter().filter(|a| a.parent_id.is_some()).collect();
    children.sort_by_key(|a| (a.position, a.id));
    for _ in 0..8 {
        let mut counters: HashMap<i64, i32> = HashMap::new();
        let mut progressed = false;
        for a in &children {
            let Some(parent) = a.parent_id else { continue };
            let Some(pn) = out.get(&parent).cloned() else {
                continue;
            };
            let c = counters.entry(parent).or_insert(0);
            *c += 1;
            let n = format!("{pn}.{c}");
            if out.get(&a.id) != Some(&n) {
                out.insert(a.id, n);
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    out
}

/// Agenda order as a tree: top-level items by part and position, each
/// followed by its sub-items in position order. Returns id -> rank.
pub fn tree_order(items: &[AgendaItem]) -> HashMap<i64, usize> {
    let mut top: Vec<&AgendaItem> = items.iter().filter(|a| a.parent_id.is_none()).collect();
    top.sort_by_key(|a| (!a.public, a.position, a.id));
    let mut kids: HashMap<i64, Vec<&AgendaItem>> = HashMap::new();
    for a in items.iter().filter(|a| a.parent_id.is_some()) {
        if let Some(p) = a.parent_id {
            kids.entry(p).or_default().push(a);
        }
    }
    for v in kids.values_mut() {
        v.sort_by_key(|a| (a.position, a.id));
    }
    let mut rank = HashMap::new();
    let mut stack: Vec<(&AgendaItem, usize)> = top.iter().rev().map(|a| (*a, 0)).collect();
    while let Some((a, depth)) = stack.pop() {
        if rank.contains_key(&a.id) || depth > 8 {
            continue;
        }
        rank.insert(a.id, rank.len());
        if let Some(children) = kids.get(&a.id) {
            for c in children.iter().rev() {
                stack.push((c, depth + 1));
            }
        }
    }
    rank
}

/// Which items of a meeting the audience may see (item and parent public).
pub fn visible_ids(items: &[AgendaItem], audience: Audience) -> std::collections::HashSet<i64> {
    let by_id: HashMap<i64, &AgendaItem> = items.iter().map(|a| (a.id, a)).collect();
    items
        .iter()
        .filter(|a| {
            // every ancestor must exist, be live and public; a chain deeper
            // than 8 levels or a cycle counts as not visible
            let mut parent_public = true;
            let mut p = a.parent_id;
            let mut depth = 0;
            while let Some(pid) = p {
                if depth >= 8 {
                    parent_public = false;
                    break;
                }
                match by_id.get(&pid) {
                    Some(parent) if parent.deleted_at.is_none() => {
                        parent_public &= parent.public;
                        p = parent.parent_id;
                    }
                    _ => {
                        parent_public = false;
                        p = None;
                    }
                }
                depth += 1;
            }
            audience.sees_item(a, parent_public)
        })
        .map(|a| a.id)
        .collect()
}

/// Numbers and visible ids for items of one or more meetings.
pub fn number_and_filter(
    items: &[AgendaItem],
    audience: Audience,
) -> (HashMap<i64, String>, std::collections::HashSet<i64>) {
    let mut by_meeting: HashMap<i64, Vec<AgendaItem>> = HashMap::new();
    for a in items {
        by_meeting.entry(a.meeting_id).or_default().push(a.clone());
    }
    let mut nums = HashMap::new();
    let mut vis = std::collections::HashSet::new();
    for list in by_meeting.values() {
        nums.extend(numbers(list));
        vis.extend(visible_ids(list, audience));
    }
    (nums, vis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, public: bool, position: i32, parent: Option<i64>) -> AgendaItem {
        AgendaItem::outline(id, 1, parent, public, position, format!("TOP {id}"))
    }

    #[test]
    fn numbers_are_derived_per_part_and_parent() {
        let items = vec![
            item(10, true, 5, None),
            item(11, false, 1, None),
            item(12, true, 2, None),
            item(13, true, 1, Some(10)),
            item(14, true, 2, Some(10)),
            item(15, false, 3, None),
            item(16, true, 9, None),
        ];
        let n = numbers(&items);
        assert_eq!(n[&12], "Ö 1");
        assert_eq!(n[&10], "Ö 2");
        assert_eq!(n[&13], "Ö 2.1");
        assert_eq!(n[&14], "Ö 2.2");
        assert_eq!(n[&16], "Ö 3");
        assert_eq!(n[&11], "N 1");
        assert_eq!(n[&15], "N 2");
    }

    #[test]
    fn sub_items_follow_their_parent_and_count_by_position() {
        let items = vec![
            item(1, true, 3, None),
            item(2, true, 2, Some(1)),
            item(3, false, 1, Some(1)),
            item(4, true, 1, None),
        ];
        let n = numbers(&items);
        assert_eq!(n[&4], "Ö 1");
        assert_eq!(n[&1], "Ö 2");
        assert_eq!(n[&3], "Ö 2.1");
        assert_eq!(n[&2], "Ö 2.2");
        let order = tree_order(&items);
        let mut ids = vec![1, 2, 3, 4];
        ids.sort_by_key(|i| order[i]);
        assert_eq!(ids, vec![4, 1, 3, 2]);
    }

    #[test]
    fn deep_or_cyclic_nesting_is_not_visible() {
        let mut items = vec![item(100, false, 1, None)];
        for k in 1..=9 {
            items.push(item(100 + k, true, 1, Some(100 + k - 1)));
        }
        items.push(item(200, true, 1, Some(201)));
        items.push(item(201, true, 1, Some(200)));
        let v = visible_ids(&items, Audience::Public);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn public_child_of_closed_parent_is_hidden() {
        let items = vec![
            item(1, false, 1, None),
            item(2, true, 1, Some(1)),
            item(3, true, 2, None),
        ];
        let v = visible_ids(&items, Audience::Public);
        assert!(!v.contains(&1));
        assert!(!v.contains(&2));
        assert!(v.contains(&3));
        assert_eq!(visible_ids(&items, Audience::Full).len(), 3);
    }
}
