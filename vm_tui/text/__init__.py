"""Text for people: untrusted text made safe, times, and the labels of callers and lines."""
