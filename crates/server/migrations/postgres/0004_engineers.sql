-- Support engineers are people of no customer account: `role` says which side a person is
-- on, and only an engineer has no account (and is never a technical contact).
ALTER TABLE people ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE people
    ADD COLUMN role TEXT NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'engineer'));
ALTER TABLE people
    ADD CONSTRAINT people_engineers_have_no_account
    CHECK ((role = 'engineer') = (account_id IS NULL));
ALTER TABLE people
    ADD CONSTRAINT people_engineers_are_no_contacts
    CHECK (role = 'customer' OR (is_contact = 0 AND can_manage_contacts = 0));
