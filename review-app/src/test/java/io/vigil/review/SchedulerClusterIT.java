package io.vigil.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two app instances share one store: the app's scheduler and a second one, configured as another
 * node of the cluster would be (same scheduler name, same JDBC job store, clustered). Twenty
 * triggers due at the same moment fire twenty times in all: each exactly once, whichever node.
 */
class SchedulerClusterIT extends DemoStack {

    static final List<String> FIRED = new CopyOnWriteArrayList<>();
    static final Set<String> NODES = ConcurrentHashMap.newKeySet();

    /** Records which trigger fired, on which node. */
    public static class CountingJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            FIRED.add(context.getTrigger().getKey().getName());
            try {
                NODES.add(context.getScheduler().getSchedulerInstanceId());
            } catch (SchedulerException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Autowired
    Scheduler app;

    @Autowired
    DataSource storeSource;

    @Test
    void eachTriggerFiresOnceAcrossTwoNodes() throws Exception {
        Scheduler second = secondNode();
        second.start();
        try {
            String s = Long.toString(System.nanoTime());
            JobDetail job = JobBuilder.newJob(CountingJob.class)
                    .withIdentity("count-" + s, "cluster-test")
                    .storeDurably()
                    .build();
            app.addJob(job, true);
            Date at = new Date(System.currentTimeMillis() + 2_000);
            for (int i = 0; i < 20; i++) {
                app.scheduleJob(TriggerBuilder.newTrigger()
                        .forJob(job)
                        .withIdentity("t" + i, "cluster-test-" + s)
                        .startAt(at)
                        .build());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (FIRED.size() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(3_000); // anything that would fire twice has had its chance
            assertThat(FIRED).hasSize(20).doesNotHaveDuplicates();
            assertThat(NODES).isNotEmpty();
            assertThat(store.fetchValue("select count(*) from vigil.qrtz_scheduler_state where sched_name = 'vigil'"))
                    .as("both nodes are checked in to the cluster")
                    .isEqualTo(2L);
            System.out.println("cluster test: the triggers fired on " + NODES);
        } finally {
            second.shutdown(true);
        }
    }

    /** Another node: plain Quartz on the same store, as the app's settings configure it. */
    private Scheduler secondNode() throws SchedulerException {
        DBConnectionManager.getInstance().addConnectionProvider("second-node-store", new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return storeSource.getConnection();
            }

            @Override
            public void shutdown() {}

            @Override
            public void initialize() {}
        });
        Properties p = new Properties();
        p.put("org.quartz.scheduler.instanceName", "vigil");
        p.put("org.quartz.scheduler.instanceId", "second-node");
        p.put("org.quartz.scheduler.idleWaitTime", "1000");
        p.put("org.quartz.threadPool.threadCount", "2");
        p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.put("org.quartz.jobStore.tablePrefix", "vigil.qrtz_");
        p.put("org.quartz.jobStore.isClustered", "true");
        p.put("org.quartz.jobStore.clusterCheckinInterval", "1000");
        p.put("org.quartz.jobStore.dataSource", "second-node-store");
        return new StdSchedulerFactory(p).getScheduler();
    }
}
