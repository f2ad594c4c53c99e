-- The settlement sweep (ADR 0048) finds delivered orders whose inspection window has passed, earliest first.
CREATE INDEX "orders_due_for_release_idx" ON "orders" USING btree ("inspection_ends_at") WHERE "orders"."status" = 'delivered';
