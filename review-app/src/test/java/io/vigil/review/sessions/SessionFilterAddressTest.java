package io.vigil.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.router.QueryParameters;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Sessions filter round-trips through the address, and a hand-edited address cannot break the page. */
class SessionFilterAddressTest {

    @Test
    void aFilterSurvivesTheAddress() {
        SessionFilter filter = new SessionFilter(
                "support-copilot",
                "shop",
                OffsetDateTime.of(2026, 11, 1, 8, 30, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2026, 11, 2, 0, 0, 0, 0, ZoneOffset.UTC),
                "write",
                "public.orders & co",
                io.vigil.proxy.audit.Judgement.Effect.DENY,
                io.vigil.proxy.audit.Judgement.Effect.REVIEW);
        QueryParameters address =
                QueryParameters.fromString(SessionsView.toQuery(filter).getQueryString());
        assertThat(SessionsView.fromQuery(address)).isEqualTo(filter);
    }

    @Test
    void noParametersIsNoFilter() {
        assertThat(SessionsView.fromQuery(QueryParameters.empty())).isEqualTo(SessionFilter.ANY);
        assertThat(SessionsView.toQuery(SessionFilter.ANY).getQueryString()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "kind=",
                "kind=everything",
                "kind=READ",
                "from=yesterday",
                "to=2026-13-01T00:00",
                "from=%00",
                "agent=",
                "relation=%20%20",
                "stopped=allow",
                "stopped=DENIED",
                "observed=allow",
                "observed=deny"
            })
    void aBrokenParameterIsIgnored(String query) {
        assertThat(SessionsView.fromQuery(QueryParameters.fromString(query))).isEqualTo(SessionFilter.ANY);
    }
}
