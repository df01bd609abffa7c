package io.vigil.reporting;

import java.util.List;
import java.util.function.Consumer;

/**
 * Rows a writer walks, perhaps more than once (the PDF reads items once per section): a campaign
 * of 100,000 items streams from the store instead of sitting in memory.
 */
@FunctionalInterface
public interface Rows<T> {

    void forEach(Consumer<? super T> each);

    static <T> Rows<T> of(List<T> rows) {
        return rows::forEach;
    }
}
