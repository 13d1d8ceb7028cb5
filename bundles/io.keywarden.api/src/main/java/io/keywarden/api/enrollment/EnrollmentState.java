package io.keywarden.api.enrollment;

/** Where enrollment of one device stands. */
public enum EnrollmentState {
    /** Nothing ordered yet. */
    PENDING,
    /** An order is under way. */
    ENROLLING,
    /** A current certificate exists and its renewal is scheduled. */
    ENROLLED,
    /** The last attempt failed for a reason that may go away (CA down, rate limit); another is scheduled. */
    RETRYING,
    /** The last attempt failed for a reason retrying will not fix (the CA rejected the request). */
    FAILED
}
