package io.vigil.review.demo;

import io.vigil.review.gateway.EmbeddedGateway;
import io.vigil.review.usage.GrantService;
import io.vigil.review.usage.UsageRollup;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives a fresh demo something to review: once the app is up, three of the demo agents run a few
 * statements of their job through the gateway, as real clients (so every one is in the trail), and
 * the rollups and privileges are brought up to date. ci-migrations does nothing: it is the stale
 * agent, and billing-reconciler never deletes the payments it may delete.
 */
@Component
@ConditionalOnBooleanProperty("vigil.demo")
class DemoTraffic {

    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);

    static final Map<String, List<String>> WORK = Map.of(
            "support-copilot",
            List.of(
                    "select id, full_name, city from customers where id = 42",
                    "select o.id, o.status, o.total from orders o where o.customer_id = 42 order by o.ordered_at desc",
                    "select p.name, i.quantity from order_items i join products p on p.id = i.product_id"
                            + " where i.order_id = 7"),
            "billing-reconciler",
            List.of(
                    "select count(*) from payments p join orders o on o.id = p.order_id where p.amount <> o.total",
                    "update payments set status = status where id = 1",
                    "select sum(amount) from payments where status = 'settled'"),
            "analytics-etl",
            List.of(
                    "select date_trunc('day', ordered_at) as day, count(*), sum(total) from orders group by 1",
                    "select product_id, sum(quantity) from order_items group by product_id"));

    private final EmbeddedGateway gateway;
    private final DemoAgents agents;
    private final UsageRollup rollup;
    private final GrantService grants;
    private final ObjectProvider<DemoCampaign> campaign;

    DemoTraffic(
            EmbeddedGateway gateway,
            DemoAgents agents,
            UsageRollup rollup,
            GrantService grants,
            ObjectProvider<DemoCampaign> campaign) {
        this.campaign = campaign;
        this.gateway = gateway;
        this.agents = agents;
        this.rollup = rollup;
        this.grants = grants;
    }

    @EventListener(ApplicationReadyEvent.class)
    void run() {
        Thread.ofVirtual().name("vigil-demo-traffic").start(this::work);
    }

    private void work() {
        String url =
                "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop?ApplicationName=demo-traffic";
        for (var job : WORK.entrySet()) {
            try (Connection c = DriverManager.getConnection(url, job.getKey(), agents.secretOf(job.getKey()));
                    Statement s = c.createStatement()) {
                for (String sql : job.getValue()) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                log.warn("demo traffic of {} failed: {}", job.getKey(), e.getMessage());
            }
        }
        grants.refreshAll();
        // The statements reach the store within the shipper's next batch; roll them up once they have.
        for (int i = 0; i < 10 && rollup.rollUp() == 0; i++) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // With the evidence in place, the demo's first access review can start.
        campaign.ifAvailable(DemoCampaign::ensure);
    }
}
