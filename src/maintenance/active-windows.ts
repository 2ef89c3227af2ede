/** The active window that put a site into maintenance and ends last: what its page says of the end and why. */
export interface ActiveWindowOfSite {
  /** The window's public message (its `reason`). */
  message: string | null;
  endsAt: Date;
  /** The window's IANA zone, in which the page shows the end. */
  timezone: string;
}

/**
 * The active windows of some sites, for what the worker engine's script shows. The schedules module, which
 * sits above this one, provides it (ActiveWindowsModule), so that the window tables keep their one owner.
 */
export interface ActiveWindows {
  activeWindowsOf(siteIds: string[]): Promise<Map<string, ActiveWindowOfSite>>;
}

export const ACTIVE_WINDOWS = Symbol('ACTIVE_WINDOWS');
