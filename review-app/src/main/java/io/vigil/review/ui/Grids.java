package io.vigil.review.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;

/** Grid sizing the pages share. */
public final class Grids {

    /** Up to this many rows a grid shows them all; more, and it scrolls (rendering only what shows). */
    private static final int ALL_ROWS_UP_TO = 12;

    private Grids() {}

    /**
     * A column of text that may be long (a name, an address, a reason): it takes the width the
     * other columns leave and wraps, instead of pushing the columns after it (often the actions)
     * out of sight at a laptop's width. Its grid needs {@link #wrapping}.
     */
    public static <T> Grid.Column<T> flexible(Grid.Column<T> column) {
        return column.setAutoWidth(false).setWidth("7rem").setFlexGrow(1);
    }

    /** Lets cells wrap their text, for grids with {@link #flexible} columns. */
    public static void wrapping(Grid<?> grid) {
        grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    }

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
