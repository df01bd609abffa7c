package io.vigil.review;

import io.vigil.proxy.audit.verify.AuditCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts Vigil: the web app and the gateway it embeds; with {@code --vigil.demo=true}, the demo.
 * {@code java -jar vigil.jar audit ...} runs the auditor's command line instead, without Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class VigilApplication {

    public static void main(String[] args) {
        // jOOQ prints a banner and a "tip of the day" unless told not to.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        if (args.length > 0 && args[0].equals("audit")) {
            System.setProperty("logback.configurationFile", "vigil-cli-logback.xml");
            AuditCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(VigilApplication.class, args);
    }
}
