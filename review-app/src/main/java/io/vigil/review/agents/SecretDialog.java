package io.vigil.review.agents;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;

/**
 * Shows a new secret once. Vigil keeps only its verifier: once this closes, nobody can see it again,
 * so the dialog says so and offers the connection settings to go with it.
 */
public final class SecretDialog extends Dialog {

    private static final long serialVersionUID = 1L;

    public SecretDialog(String agent, String secret, String connection) {
        setHeaderTitle("Secret for " + agent);
        setCloseOnOutsideClick(false);
        TextField field = new TextField("Secret (shown once)");
        field.setId("new-secret");
        field.setValue(secret);
        field.setReadOnly(true);
        field.setWidthFull();
        TextField connect = new TextField("Connect with");
        connect.setId("new-secret-connection");
        connect.setValue(connection);
        connect.setReadOnly(true);
        connect.setWidthFull();
        add(
                new Paragraph("Copy it now into the agent's secret store. Vigil keeps only a verifier and cannot"
                        + " show it again; if it is lost, rotate the secret."),
                field,
                connect);
        Button done = new Button("I have stored it", e -> close());
        done.setId("secret-stored");
        done.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(done);
        setWidth("36rem");
    }
}
