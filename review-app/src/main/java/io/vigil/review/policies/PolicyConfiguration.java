package io.vigil.review.policies;

import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The parser the Policies page reads recorded statements with (a draft's replay), PostgreSQL's own. */
@Configuration
class PolicyConfiguration {

    @Bean(destroyMethod = "close")
    SqlAnalyzer policyAnalyzer() {
        return new SqlAnalyzer(SqlLimits.defaults());
    }
}
