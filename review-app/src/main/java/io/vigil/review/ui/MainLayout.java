package io.vigil.review.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.spring.security.AuthenticationContext;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.stream.Collectors;

/** The frame around every page: navigation, who is signed in, and signing out. */
@PermitAll
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    private static final long serialVersionUID = 1L;

    MainLayout(CurrentViewer currentViewer, AuthenticationContext authentication, List<NavCount> counts) {
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
        SideNavItem approvals = new SideNavItem("Approvals", "approvals");
        approvals.setId("nav-approvals");
        nav.addItem(approvals);
        counts.stream()
                .filter(c -> c.path().equals("approvals"))
                .findFirst()
                .ifPresent(count -> showCount(approvals, count));
        if (viewer.has(Role.AUDITOR) || viewer.has(Role.ADMIN)) {
            nav.addItem(new SideNavItem("Evidence", "evidence"));
        }
        nav.addItem(new SideNavItem("People", "people"));
        addToDrawer(nav);
    }

    /** Shows what waits at {@code item}, read again at every navigation (no polling: it would keep sessions alive). */
    private void showCount(SideNavItem item, NavCount count) {
        Span badge = new Span();
        badge.getElement().getThemeList().add("badge contrast pill small");
        badge.setId("nav-count-" + count.path());
        item.setSuffixComponent(badge);
        counters.add(() -> {
            int n = count.count();
            badge.setText(String.valueOf(n));
            badge.setVisible(n > 0);
        });
    }

    private final transient List<Runnable> counters = new java.util.ArrayList<>();

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        counters.forEach(Runnable::run);
    }
}
