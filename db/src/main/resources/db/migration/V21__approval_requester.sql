-- Who a request was made for, kept with it when it is filed (issue 20): the person the agent's token
-- says it acts for and the task, as the session had them. Separation of duties is checked against
-- these, not against the session's row, which may still be on its way through the trail's shipper.
alter table approval_request
    add column on_behalf_of text not null default '',
    add column task         text not null default '';
