-- An administrator ends a live session from the web app by inserting a request here. Every gateway
-- serving that session sees it on its next revocation check (about a second), sends the client a
-- FATAL 57P01 naming who ended it, and closes both connections; the session's own trail then
-- records the close with that reason. The request itself is kept as the administrator's action:
-- insert-only, like the trail.
create table session_end_request (
    session_id   uuid primary key references session (id),
    requested_by text        not null,
    requested_at timestamptz not null,
    reason       text        not null check (length(reason) between 1 and 500)
);

create trigger session_end_request_insert_only before update or delete on session_end_request
    for each row execute function refuse_trail_change();
create trigger session_end_request_no_truncate before truncate on session_end_request
    for each statement execute function refuse_trail_change();
