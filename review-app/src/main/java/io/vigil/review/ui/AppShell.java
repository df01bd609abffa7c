package io.vigil.review.ui;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.theme.lumo.Lumo;

/** Page-wide settings: the Lumo theme, standard components only (no npm build). */
@StyleSheet(Lumo.STYLESHEET)
public class AppShell implements AppShellConfigurator {

    private static final long serialVersionUID = 1L;
}
