-- The demo target: a small online shop. Deterministic, so every fresh demo looks the same.

create table customers (
    id         bigint generated always as identity primary key,
    full_name  text        not null,
    email      text        not null unique,
    ssn        text        not null,
    city       text        not null,
    created_at timestamptz not null
);

create table products (
    id    bigint generated always as identity primary key,
    sku   text           not null unique,
    name  text           not null,
    price numeric(10, 2) not null
);

create table orders (
    id          bigint generated always as identity primary key,
    customer_id bigint         not null references customers (id),
    status      text           not null,
    ordered_at  timestamptz    not null,
    total       numeric(12, 2) not null default 0
);

create table order_items (
    order_id   bigint         not null references orders (id),
    product_id bigint         not null references products (id),
    quantity   integer        not null,
    unit_price numeric(10, 2) not null,
    primary key (order_id, product_id)
);

create table payments (
    id          bigint generated always as identity primary key,
    order_id    bigint         not null references orders (id),
    card_number text           not null,
    amount      numeric(12, 2) not null,
    status      text           not null,
    paid_at     timestamptz    not null
);

insert into customers (full_name, email, ssn, city, created_at)
select f.name || ' ' || l.name,
       lower(f.name) || '.' || lower(l.name) || i || '@example.com',
       lpad(((i * 7919) % 899 + 100)::text, 3, '0') || '-' || lpad(((i * 31) % 99 + 1)::text, 2, '0') || '-'
           || lpad(((i * 104729) % 9999 + 1)::text, 4, '0'),
       (array ['Lisbon', 'Berlin', 'Austin', 'Toronto', 'Osaka', 'Nairobi', 'Lyon', 'Denver'])[i % 8 + 1],
       timestamptz '2025-01-01' + (i * 37 % 600) * interval '1 day'
from generate_series(1, 2000) i
         join (select row_number() over () - 1 as k, name
               from unnest(array ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas',
                   'Kira', 'Luca', 'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara']) name) f
              on f.k = i % 20
         join (select row_number() over () - 1 as k, name
               from unnest(array ['Silva', 'Meyer', 'Garcia', 'Chen', 'Okafor', 'Novak', 'Rossi', 'Tanaka', 'Dubois',
                   'Kowalski', 'Haddad', 'Larsen']) name) l
              on l.k = (i / 20) % 12;

insert into products (sku, name, price)
select 'SKU-' || lpad(i::text, 4, '0'),
       (array ['Espresso beans', 'Pour-over kettle', 'Ceramic mug', 'Grinder', 'Filter papers', 'Milk frother',
           'Travel tumbler', 'Cold brew jar', 'Scale', 'Tea sampler'])[i % 10 + 1] || ' ' || (i / 10 + 1),
       round((4 + (i * 13 % 180))::numeric + 0.99, 2)
from generate_series(1, 50) i;

insert into orders (customer_id, status, ordered_at)
select (i * 17 % 2000) + 1,
       (array ['paid', 'paid', 'paid', 'shipped', 'shipped', 'refunded', 'cancelled'])[i % 7 + 1],
       timestamptz '2025-06-01' + (i * 11 % 500) * interval '1 day' + (i % 24) * interval '1 hour'
from generate_series(1, 5000) i;

insert into order_items (order_id, product_id, quantity, unit_price)
select o.id, p.id, (o.id + n) % 3 + 1, p.price
from orders o
         cross join generate_series(0, 2) n
         join products p on p.id = (o.id * 7 + n * 13) % 50 + 1
where n <= o.id % 3;

update orders o
set total = t.total
from (select order_id, sum(quantity * unit_price) as total from order_items group by order_id) t
where t.order_id = o.id;

insert into payments (order_id, card_number, amount, status, paid_at)
select o.id,
       '4' || lpad(((o.id * 982451653::bigint) % 1000000000000000)::text, 15, '0'),
       o.total,
       case when o.status = 'refunded' then 'refunded' else 'captured' end,
       o.ordered_at + interval '5 minutes'
from orders o
where o.status <> 'cancelled';

analyze;
