package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void anErrorMessageUpToTheLimitIsKeptWhole() {
        String message = "x".repeat(Outcome.MAX_ERROR_MESSAGE);
        assertThat(Outcome.failed("P0001", message).errorMessage()).isEqualTo(message);
    }

    @Test
    void aLongerErrorMessageIsCutAndSaysSo() {
        String message = "y".repeat(100_000);
        String kept = Outcome.failed("P0001", message).errorMessage();
        assertThat(kept.substring(Outcome.MAX_ERROR_MESSAGE)).isEqualTo(" [cut by Vigil after 16384 characters]");
        assertThat(kept.substring(0, Outcome.MAX_ERROR_MESSAGE)).matches("y+");
    }

    @Test
    void theCutNeverSplitsACharacterOutsideTheBasicPlane() {
        // "😀" is two UTF-16 units: one of them would be encoded as '?' and never read back the same.
        String message = "a".repeat(Outcome.MAX_ERROR_MESSAGE - 1) + "😀".repeat(10);
        String kept = Outcome.failed("P0001", message).errorMessage();
        assertThat(kept.substring(Outcome.MAX_ERROR_MESSAGE - 1)).isEqualTo(" [cut by Vigil after 16383 characters]");
    }

    @Test
    void otherOutcomesKeepTheirText() {
        assertThat(Outcome.refused("54000", "z".repeat(20_000)).errorMessage()).hasSize(20_000);
    }
}
