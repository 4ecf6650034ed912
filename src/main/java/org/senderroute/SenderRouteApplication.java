package org.senderroute; public class SenderRouteApplication { public static void main(String[] a){} }
