-- Full-text search over notes (SQLite FTS5). An external-content table: the text lives once, in
-- notes; the index is kept in step by the triggers below. unicode61 with remove_diacritics
-- lets "cafe" find "café" and "Ūrun" find "urun".
CREATE VIRTUAL TABLE `notes_fts` USING fts5(
  body, quote, public_answer, location_name,
  content='notes', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER notes_fts_after_insert AFTER INSERT ON notes
BEGIN
  INSERT INTO notes_fts(rowid, body, quote, public_answer, location_name)
  VALUES (new.id, new.body, new.quote, new.public_answer, new.location_name);
END;
--> statement-breakpoint
CREATE TRIGGER notes_fts_after_delete AFTER DELETE ON notes
BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, body, quote, public_answer, location_name)
  VALUES ('delete', old.id, old.body, old.quote, old.public_answer, old.location_name);
END;
--> statement-breakpoint
CREATE TRIGGER notes_fts_after_update AFTER UPDATE OF body, quote, public_answer, location_name ON notes
BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, body, quote, public_answer, location_name)
  VALUES ('delete', old.id, old.body, old.quote, old.public_answer, old.location_name);
  INSERT INTO notes_fts(rowid, body, quote, public_answer, location_name)
  VALUES (new.id, new.body, new.quote, new.public_answer, new.location_name);
END;
--> statement-breakpoint
-- The themes every installation starts with; admins can rename, reorder and archive them.
INSERT INTO note_themes (code, label, label_en, position, created_at, updated_at) VALUES
  ('home', 'Woning', 'Home', 10, unixepoch() * 1000, unixepoch() * 1000),
  ('street', 'Straat', 'Street', 20, unixepoch() * 1000, unixepoch() * 1000),
  ('green', 'Groen', 'Green space', 30, unixepoch() * 1000, unixepoch() * 1000),
  ('play', 'Spelen', 'Play', 40, unixepoch() * 1000, unixepoch() * 1000),
  ('safety', 'Veiligheid', 'Safety', 50, unixepoch() * 1000, unixepoch() * 1000),
  ('living_together', 'Samenleven', 'Living together', 60, unixepoch() * 1000, unixepoch() * 1000),
  ('maintenance', 'Onderhoud', 'Maintenance', 70, unixepoch() * 1000, unixepoch() * 1000),
  ('other', 'Overig', 'Other', 80, unixepoch() * 1000, unixepoch() * 1000);
