package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.SQLException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserting what the gateway answered, as a client sees it: the SQLSTATE of the failure. */
final class SqlStates {

    private SqlStates() {}

    /** @return the failure, for further checks of its message */
    static SQLException assertFailsWith(String sqlState, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(SQLException.class);
        assertThat(((SQLException) thrown).getSQLState())
                .as(thrown.getMessage())
                .isEqualTo(sqlState);
        return (SQLException) thrown;
    }
}
