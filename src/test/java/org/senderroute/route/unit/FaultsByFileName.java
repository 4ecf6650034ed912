package org.senderroute.route.unit;

import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.senderroute.domain.FileRun;

/**
 * Advice for route 30 (call-kaleyra): a batch of a file whose name starts with {@code fault} throws an exception
 * nobody planned for, one whose name starts with {@code error} throws an Error; other batches are settled as usual.
 */
public final class FaultsByFileName extends AdviceWithRouteBuilder {

    @Override
    public void configure() {
        weaveAddFirst().process(exchange -> {
            String file = exchange.getProperty(FileRun.PROPERTY, FileRun.class).inputName();
            if (file.startsWith("fault")) {
                throw new IllegalStateException("a fault nobody planned for");
            }
            if (file.startsWith("error")) {
                throw new NoClassDefFoundError("org/example/Missing");
            }
        });
    }
}
