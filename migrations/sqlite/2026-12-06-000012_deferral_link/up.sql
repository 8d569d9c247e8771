-- A continuing TOP is linked to the deferred one (continues_agenda_item_id);
-- the suffix " (vertagt aus der Sitzung vom …)" that older versions wrote
-- into its title is left off now (pages show the link instead).
UPDATE agenda_items
   SET title = substr(title, 1, instr(title, ' (vertagt aus der Sitzung vom') - 1)
 WHERE continues_agenda_item_id IS NOT NULL
   AND instr(title, ' (vertagt aus der Sitzung vom') > 1;
