package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserting what the gateway answered, as a client sees it: the SQLSTATE of the failure. */
final class SqlStates {

    private SqlStates() {}

    static void assertFailsWith(String sqlState, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo(sqlState);
    }
}
