package io.github.voicechat.sphinx.internal;

import edu.cmu.sphinx.util.SphinxLogFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps Sphinx4's java.util.logging output away from the console and routes it to SLF4J.
 *
 * <p>Sphinx names its component loggers after the configuration file ({@code voicechat-sphinx.config.*}) and, when a
 * configuration is loaded, gives that logger a {@code ConsoleHandler} unless it already has a handler with a
 * {@link SphinxLogFormatter}. Installing our forwarding handler (with that formatter) on Sphinx's own logger names
 * first means Sphinx adds none, and {@code useParentHandlers=false} keeps its records out of the host's root
 * handlers. Only these logger names are touched: never the root logger, never {@code LogManager.reset()}.
 * Records arrive in SLF4J under {@code io.github.voicechat.sphinx.engine}: SEVERE at WARN, everything else at DEBUG
 * (its warnings are about its own model files, such as the 15 language model words missing from the dictionary,
 * which a host can do nothing about; our adapter reports real failures as exceptions).
 */
public final class SphinxLogging {

    /** Sphinx's logger for components of our configuration file (its name minus {@code .xml}). */
    public static final String CONFIG_LOGGER = "voicechat-sphinx.config";
    /** Sphinx classes that log under their class name. */
    public static final String PACKAGE_LOGGER = "edu.cmu.sphinx";

    // java.util.logging holds loggers weakly: keep them so the handler and level we set stay.
    private static final Logger[] KEPT = new Logger[2];
    private static boolean installed;

    private SphinxLogging() {
    }

    /** Installs the forwarding handler once per class loader; call before Sphinx reads any configuration. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        String[] names = {CONFIG_LOGGER, PACKAGE_LOGGER};
        for (int i = 0; i < names.length; i++) {
            Logger logger = Logger.getLogger(names[i]);
            logger.setUseParentHandlers(false);
            Handler h = new Slf4jHandler();
            h.setFormatter(new SphinxLogFormatter());
            logger.addHandler(h);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.WARNING);
            }
            KEPT[i] = logger;
        }
        installed = true;
    }

    private static final class Slf4jHandler extends Handler {
        private final org.slf4j.Logger out = org.slf4j.LoggerFactory.getLogger("io.github.voicechat.sphinx.engine");

        @Override
        public void publish(LogRecord r) {
            int level = r.getLevel().intValue();
            String msg = r.getLoggerName() + ": " + r.getMessage();
            if (level >= Level.SEVERE.intValue()) {
                out.warn(msg, r.getThrown());
            } else if (out.isDebugEnabled()) {
                out.debug(msg, r.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
