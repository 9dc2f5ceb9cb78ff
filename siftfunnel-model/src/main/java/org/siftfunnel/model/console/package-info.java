/** Console output for long work: progress bars with rate and ETA. */
package org.siftfunnel.model.console;
