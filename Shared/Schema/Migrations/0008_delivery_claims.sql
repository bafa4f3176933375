-- Which sender process claimed a recipient (Shared/Delivery, SenderLivenessLock): a process holds
-- a PostgreSQL session lock named by its instance id for as long as it lives, so a replay that
-- finds a row still `sending` can tell a send in flight in a live process (left alone) from one
-- whose process died (sent again). See docs/sender.md, "The crash point".
--
-- Retention and purge: the column lives and goes with its row (30 days, DeliveryRetention.purge).
ALTER TABLE outbound_deliveries ADD COLUMN claimed_by text;
