-- Last line of defence against overselling: whatever the code does, the database refuses a
-- write that leaves more confirmed people than the dinner has seats. The booking code decides
-- inside an IMMEDIATE transaction and never hits this; a bug would get an error, not a 13th guest.
CREATE TRIGGER rsvps_capacity_insert AFTER INSERT ON rsvps
WHEN NEW.status = 'confirmed'
BEGIN
  SELECT RAISE(ABORT, 'rsvps: more confirmed people than seats')
  WHERE (SELECT coalesce(sum(people), 0) FROM rsvps WHERE dinner_id = NEW.dinner_id AND status = 'confirmed')
      > (SELECT capacity FROM dinners WHERE id = NEW.dinner_id);
END;
--> statement-breakpoint
CREATE TRIGGER rsvps_capacity_update AFTER UPDATE OF status, people ON rsvps
WHEN NEW.status = 'confirmed'
BEGIN
  SELECT RAISE(ABORT, 'rsvps: more confirmed people than seats')
  WHERE (SELECT coalesce(sum(people), 0) FROM rsvps WHERE dinner_id = NEW.dinner_id AND status = 'confirmed')
      > (SELECT capacity FROM dinners WHERE id = NEW.dinner_id);
END;
