package io.vigil.review.ui;

import com.vaadin.flow.component.grid.Grid;

/** Grid sizing the pages share. */
public final class Grids {

    /** Up to this many rows a grid shows them all; more, and it scrolls (rendering only what shows). */
    private static final int ALL_ROWS_UP_TO = 12;

    private Grids() {}

    /**
     * Shows a short list whole and a long one in a scrolling box: a grid with every row visible
     * renders every row in the browser, which at a thousand agents is seconds.
     */
    public static void fit(Grid<?> grid, int rows) {
        if (rows <= ALL_ROWS_UP_TO) {
            grid.setAllRowsVisible(true);
        } else {
            grid.setAllRowsVisible(false);
            grid.setHeight("26rem");
        }
    }
}
