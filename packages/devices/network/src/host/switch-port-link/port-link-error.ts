/** The peer of a switch port link broke its framing: the link is closed. */
export class PortLinkError extends Error {
  override readonly name = 'PortLinkError';
}
