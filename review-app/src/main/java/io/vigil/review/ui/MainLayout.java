package io.vigil.review.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.spring.security.AuthenticationContext;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import jakarta.annotation.security.PermitAll;
import java.util.stream.Collectors;

/** The frame around every page: navigation, who is signed in, and signing out. */
@PermitAll
public class MainLayout extends AppLayout {

    private static final long serialVersionUID = 1L;

    MainLayout(CurrentViewer currentViewer, AuthenticationContext authentication) {
        Viewer viewer = currentViewer.get();
        Span title = new Span("Vigil");
        title.getStyle().set("font-weight", "600").set("font-size", "var(--lumo-font-size-l)");
        Span who = new Span(viewer.name() + " ("
                + viewer.roles().stream()
                        .map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                        .sorted()
                        .collect(Collectors.joining(", "))
                + ")");
        who.setId("signed-in-as");
        Button signOut = new Button("Sign out", e -> authentication.logout());
        HorizontalLayout bar = new HorizontalLayout(new DrawerToggle(), title, who, signOut);
        bar.setWidthFull();
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.expand(title);
        bar.getStyle().set("padding-right", "var(--lumo-space-m)");
        addToNavbar(bar);
        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Dashboard", "dashboard"));
        nav.addItem(new SideNavItem("My reviews", "reviews"));
        nav.addItem(new SideNavItem("Campaigns", "campaigns"));
        nav.addItem(new SideNavItem("Agents", "agents"));
        nav.addItem(new SideNavItem("Sessions", "sessions"));
        nav.addItem(new SideNavItem("Targets", "targets"));
        nav.addItem(new SideNavItem("Policies", "policies"));
        if (viewer.has(Role.AUDITOR) || viewer.has(Role.ADMIN)) {
            nav.addItem(new SideNavItem("Evidence", "evidence"));
        }
        nav.addItem(new SideNavItem("People", "people"));
        addToDrawer(nav);
    }
}
