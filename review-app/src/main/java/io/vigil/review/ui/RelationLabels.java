package io.vigil.review.ui;

import io.vigil.proxy.sql.RelationName;
import java.util.List;

/**
 * Relations as the pages show them: as the gateway recorded them, resolved by the target
 * ({@code public.orders}), except one that did not exist, which the trail marks and the pages say
 * in words.
 */
public final class RelationLabels {

    private RelationLabels() {}

    public static String label(String recorded) {
        return RelationName.missing(recorded) ? recorded.substring(1) + " (did not exist)" : recorded;
    }

    public static String labels(List<String> recorded) {
        return String.join(", ", recorded.stream().map(RelationLabels::label).toList());
    }
}
