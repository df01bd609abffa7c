package io.vigil.review.people;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.People;
import io.vigil.review.security.Role;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Forms;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.springframework.security.access.AccessDeniedException;

/**
 * The people Vigil knows: administrators enter someone before their first sign-in (so reviews and
 * their reminders reach them) and mark people gone when they leave (their agents' reviews then go to
 * the fallback reviewer). Auditors read it.
 */
@Route(value = "people", layout = MainLayout.class)
@PageTitle("People · Vigil")
@PermitAll
class PeopleView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private final transient People people;
    private final boolean admin;
    private final Grid<People.Person> grid = new Grid<>(People.Person.class, false);

    PeopleView(People people, CurrentViewer viewer) {
        this.people = people;
        this.admin = viewer.get().has(Role.ADMIN);
        add(new H2("People"));
        try {
            people.people();
        } catch (AccessDeniedException e) {
            add(new Paragraph("Only administrators and auditors see the people Vigil knows."));
            return;
        }
        if (admin) {
            TextField login = Forms.text("Login name", "person-login");
            TextField email = Forms.text("E-mail", "person-email");
            Button enter = new Button("Enter", e -> {
                if (Feedback.attempt(() -> people.enter(login.getValue(), email.getValue()))) {
                    login.clear();
                    email.clear();
                    refresh();
                }
            });
            enter.setId("enter-person");
            enter.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            HorizontalLayout form = new HorizontalLayout(login, email, enter);
            form.setAlignItems(Alignment.BASELINE);
            add(form);
        }
        grid.setId("people");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(People.Person::login)
                .setHeader("Login")
                .setAutoWidth(true)
                .setSortable(true);
        grid.addColumn(p -> p.email() == null ? "" : p.email())
                .setHeader("E-mail")
                .setAutoWidth(true);
        grid.addColumn(p -> p.seenAt() == null ? "never signed in" : Feedback.utc(p.seenAt()))
                .setHeader("Last sign-in")
                .setAutoWidth(true);
        grid.addComponentColumn(this::state).setHeader("").setAutoWidth(true);
        add(grid);
        refresh();
    }

    private Component state(People.Person p) {
        String text = p.gone() ? "gone since " + Feedback.utc(p.goneAt()) + " (" + p.goneBy() + ")" : "";
        if (!admin) {
            return new com.vaadin.flow.component.html.Span(text);
        }
        Button toggle = new Button(p.gone() ? "Back" : "Mark gone", e -> {
            if (Feedback.attempt(() -> people.setGone(p.login(), !p.gone()))) {
                refresh();
            }
        });
        return new HorizontalLayout(new com.vaadin.flow.component.html.Span(text), toggle);
    }

    private void refresh() {
        List<People.Person> all = people.people();
        grid.setItems(all);
        Grids.fit(grid, all.size());
    }
}
