package io.vigil.review.ui;

import com.vaadin.flow.component.ClickEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.textfield.TextField;

/** The pieces the pages' forms share, so every form looks and behaves alike. */
public final class Forms {

    private Forms() {}

    /** A text field with the id tests and assistive tools find it by. */
    public static TextField text(String label, String id) {
        TextField field = new TextField(label);
        field.setId(id);
        return field;
    }

    /** A form dialog's footer: Cancel, and the primary action (with its id). */
    public static void footer(
            Dialog dialog, String label, String id, ComponentEventListener<ClickEvent<Button>> action) {
        Button primary = new Button(label, action);
        primary.setId(id);
        primary.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), primary);
        dialog.setWidth("44rem");
    }
}
