-- The demo agents' own upstream roles on the shop database, each with the privileges its job
-- needs, and some it never uses: what an access review should find. Run as the shop's owner on
-- every start (idempotent); the roles themselves are created by the superuser.
grant select on customers, orders, order_items, products to shop_support;
grant select, insert, update, delete on payments to shop_billing;
grant select on orders, order_items to shop_billing;
grant select on customers, orders, order_items, products, payments to shop_analytics;
grant insert, update on orders to shop_analytics;
