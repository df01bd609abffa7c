-- Vigil's own login on a target (catalog reads, remediation), apart from every role an agent logs
-- in as: an agent sharing the role Vigil remediates with could use its CREATEROLE to make itself a
-- login Vigil never sees. Unset on targets made before this: their privileges are not read and
-- their reviews not remediated until an administrator sets it.
alter table target
    add column management_user   text,
    add column management_secret bytea,
    add constraint target_management_complete check ((management_user is null) = (management_secret is null));
