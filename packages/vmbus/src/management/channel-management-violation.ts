/** Where a {@link ChannelManagementViolation} happened. */
export interface ChannelManagementViolationDetails {
  /** The message type code of the refused message. */
  readonly messageType: number;
  /**
   * The state of what the message addressed, when it arrived: the connection's, the channel's or
   * the GPADL's state, or `'absent'` when it named a channel or GPADL that does not exist.
   */
  readonly state: string;
  /** The channel the message named, if any. */
  readonly relid?: number;
  /** The GPADL handle the message named, if any. */
  readonly gpadl?: number;
}

/**
 * A well-formed channel-management message that is not acceptable where it arrived: out of
 * order, a duplicate, naming a channel or GPADL that does not exist or belongs elsewhere,
 * pages the guest may not share, beyond a limit. The machine that refused it left its state
 * unchanged. (A message that is not well-formed is a `ProtocolError` instead.)
 */
export class ChannelManagementViolation extends Error {
  override readonly name = 'ChannelManagementViolation';
  /** The message type code of the refused message. */
  readonly messageType: number;
  /** The state of what the message addressed when it arrived (see {@link ChannelManagementViolationDetails.state}). */
  readonly state: string;
  /** The channel the message named, if any. */
  readonly relid: number | undefined;
  /** The GPADL handle the message named, if any. */
  readonly gpadl: number | undefined;

  /**
   * @param message - What is wrong.
   * @param details - The message type and the state it arrived in.
   */
  constructor(message: string, details: ChannelManagementViolationDetails) {
    super(message);
    this.messageType = details.messageType;
    this.state = details.state;
    this.relid = details.relid;
    this.gpadl = details.gpadl;
  }
}
