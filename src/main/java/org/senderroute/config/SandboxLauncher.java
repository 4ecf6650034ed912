package org.senderroute.config;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded Kaleyra sandbox when {@code kaleyra.sandbox=true}, ties its life to the Camel context, and
 * points the account at it. Off by default, so that a production deployment never sends to it by accident.
 */
final class SandboxLauncher extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxLauncher.class);

    private final KaleyraSandbox sandbox;

    private SandboxLauncher(KaleyraSandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** @return the base URL the account must use */
    static String start(CamelContext context, Settings settings) throws Exception {
        KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.fromProperties(settings::get));
        sandbox.start();
        context.addService(new SandboxLauncher(sandbox), true, true);
        context.getRegistry().bind("kaleyraSandbox", sandbox);
        LOG.warn("SANDBOX MODE: requests go to the embedded Kaleyra simulator at {}; nothing reaches Kaleyra",
                sandbox.baseUrl());
        return sandbox.baseUrl();
    }

    @Override
    protected void doStop() {
        sandbox.stop();
    }
}
