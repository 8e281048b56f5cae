import GreenlightCore
public enum MeterPlaceholder {}
